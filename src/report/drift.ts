import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { decodePng } from '../image/png-decode.js';
import type { ImageResult } from '../store/rows.js';
import { mapLimited } from './thumbnails.js';

/** How far one image moved between two runs, in 8-bit RGB. */
export interface PixelDrift {
  meanAbs: number;
  maxAbs: number;
  /** Share of pixels where any channel differs. */
  changedShare: number;
}

export interface DriftPair extends PixelDrift {
  model: string;
  promptId: string;
  seedIndex: number;
  fileA: string;
  fileB: string;
}

export interface ModelDrift {
  model: string;
  /** Pairs with identical settings and seed whose two PNGs were both readable. */
  compared: number;
  /** Pairs where a PNG was missing or unreadable. */
  unreadable: number;
  meanAbs: number | null;
  maxAbs: number | null;
  changedShare: number | null;
  /** Pairs that differ at all. */
  changedPairs: number;
}

/** Images of two runs that should be pixel-identical when nothing that makes pixels changed. */
export function sameSettings(a: ImageResult, b: ImageResult): boolean {
  return (
    a.seed === b.seed && a.prompt === b.prompt && a.negativePrompt === b.negativePrompt && a.steps === b.steps &&
    a.guidance === b.guidance && a.width === b.width && a.height === b.height && a.scheduler === b.scheduler
  );
}

/**
 * The project's PNG decoder first (synchronous, no thread hop: the fastest for the runner's own
 * PNGs); sharp for anything it does not read (interlaced, 16-bit, not a PNG).
 */
async function rgb(bytes: Buffer): Promise<{ data: Uint8Array; width: number; height: number }> {
  try {
    return decodePng(bytes);
  } catch {
    // fall through to sharp
  }
  const { data, info } = await sharp(bytes).removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

/** Identical bytes are zero drift without decoding (the common case this check exists for). */
export async function pixelDrift(fileA: string, fileB: string): Promise<PixelDrift | null> {
  let bytesA: Buffer;
  let bytesB: Buffer;
  try {
    [bytesA, bytesB] = await Promise.all([readFile(fileA), readFile(fileB)]);
  } catch {
    return null;
  }
  if (bytesA.equals(bytesB)) return { meanAbs: 0, maxAbs: 0, changedShare: 0 };
  try {
    const [a, b] = await Promise.all([rgb(bytesA), rgb(bytesB)]);
    if (a.width !== b.width || a.height !== b.height) return { meanAbs: 255, maxAbs: 255, changedShare: 1 };
    let sum = 0;
    let max = 0;
    let changed = 0;
    for (let p = 0; p < a.data.length; p += 3) {
      let pixelChanged = false;
      for (let c = 0; c < 3; c++) {
        const d = Math.abs(a.data[p + c]! - b.data[p + c]!);
        sum += d;
        if (d > max) max = d;
        if (d > 0) pixelChanged = true;
      }
      if (pixelChanged) changed++;
    }
    const pixels = a.data.length / 3;
    return { meanAbs: sum / a.data.length, maxAbs: max, changedShare: changed / pixels };
  } catch {
    return null;
  }
}

export async function measureDrift(
  pairs: ReadonlyArray<{ model: string; promptId: string; seedIndex: number; fileA: string; fileB: string }>,
  models: readonly string[],
): Promise<{ perModel: ModelDrift[]; pairs: DriftPair[] }> {
  const measured = await mapLimited(pairs, 8, async (p) => ({ ...p, drift: await pixelDrift(p.fileA, p.fileB) }));
  const driftPairs: DriftPair[] = measured.flatMap((m) => (m.drift ? [{ ...m, ...m.drift }] : []));
  const perModel = models.map((model): ModelDrift => {
    const mine = driftPairs.filter((p) => p.model === model);
    const n = mine.length;
    return {
      model,
      compared: n,
      unreadable: measured.filter((m) => m.model === model && !m.drift).length,
      meanAbs: n === 0 ? null : mine.reduce((a, p) => a + p.meanAbs, 0) / n,
      maxAbs: n === 0 ? null : Math.max(...mine.map((p) => p.maxAbs)),
      changedShare: n === 0 ? null : mine.reduce((a, p) => a + p.changedShare, 0) / n,
      changedPairs: mine.filter((p) => p.changedShare > 0).length,
    };
  });
  return { perModel, pairs: driftPairs };
}

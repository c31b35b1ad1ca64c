import { existsSync } from 'node:fs';
import path from 'node:path';
import type { ImageResult } from '../store/rows.js';
import type { RunData } from './load-run.js';
import { mapLimited, PLACEHOLDER_URI, thumbnailDataUri } from './thumbnails.js';

export const UNCATEGORISED = 'uncategorised';

export interface GridCell {
  model: string;
  image: ImageResult | null;
  thumbnail: string;
  /** No image, or its PNG is missing or unreadable: the placeholder is shown. */
  missing: boolean;
  /** The full PNG relative to the page, when it exists. */
  fullHref: string | null;
  /** The exact command that makes this image again, alone. */
  command: string | null;
}

export interface GridRow {
  promptId: string;
  prompt: string;
  category: string;
  cells: GridCell[];
}

export interface Grid {
  seedIndex: number;
  rows: GridRow[];
  /** Prompts left out by --grid-prompts. */
  omittedPrompts: number;
}

export const categoryOf = (image: { category?: string | null }): string => image.category ?? UNCATEGORISED;

const shellQuote = (s: string): string => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

export function reproduceCommand(runId: string, image: ImageResult, resultsDir: string): string {
  return [
    'ppbench', 'generate', '--run', runId, '--model', image.model, '--prompt-id', image.promptId,
    '--seed-index', String(image.seedIndex), '--results-dir', resultsDir,
    '--out', `${image.model}-${image.promptId}-s${image.seedIndex}.png`,
  ].map(shellQuote).join(' ');
}

/** Absolute path of an ok image's PNG (the store keeps it relative to the results folder). */
export const imageFile = (data: RunData, image: ImageResult): string | null =>
  image.filePath === null ? null : path.resolve(data.resultsDir, image.filePath);

/** Prompts (rows, in prompt order) × models (columns) at one seed index, thumbnails embedded. */
export async function buildGrid(data: RunData, pageDir: string, options: { prompts: number; seedIndex: number }): Promise<Grid> {
  const atSeed = data.images.filter((i) => i.seedIndex === options.seedIndex);
  const prompts = new Map<string, ImageResult>();
  for (const i of atSeed) if (!prompts.has(i.promptId)) prompts.set(i.promptId, i);
  const order = [...prompts.values()].sort((a, b) => a.promptId.localeCompare(b.promptId, undefined, { numeric: true }));
  const shown = order.slice(0, options.prompts);
  const byKey = new Map(atSeed.map((i) => [`${i.model}\u0000${i.promptId}`, i]));
  const jobs = shown.flatMap((p) => data.models.map((model) => ({ prompt: p, model, image: byKey.get(`${model}\u0000${p.promptId}`) ?? null })));
  const cells = await mapLimited(jobs, 8, async ({ model, image }): Promise<GridCell> => {
    const file = image && image.status === 'ok' ? imageFile(data, image) : null;
    const thumbnail = file === null ? null : await thumbnailDataUri(file);
    return {
      model,
      image,
      thumbnail: thumbnail ?? PLACEHOLDER_URI,
      missing: thumbnail === null,
      fullHref: file !== null && thumbnail !== null ? path.relative(pageDir, file).split(path.sep).join('/') : null,
      command: image ? reproduceCommand(data.run.id, image, data.resultsDir) : null,
    };
  });
  const rows = shown.map((p, r) => ({
    promptId: p.promptId,
    prompt: p.prompt,
    category: categoryOf(p),
    cells: cells.slice(r * data.models.length, (r + 1) * data.models.length),
  }));
  return { seedIndex: options.seedIndex, rows, omittedPrompts: order.length - shown.length };
}

/** ok images whose PNG is not where the store says. */
export function countMissingPngs(data: RunData): number {
  return data.images.filter((i) => {
    if (i.status !== 'ok') return false;
    const file = imageFile(data, i);
    return file === null || !existsSync(file);
  }).length;
}

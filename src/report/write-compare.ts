import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../fs/atomic-file.js';
import { compareRuns, type Comparison } from './compare.js';
import { comparePage, type DriftThumbnails } from './html/compare-page.js';
import { loadRun } from './load-run.js';
import { thumbnailDataUri } from './thumbnails.js';

export interface CompareRequest {
  runA: string;
  runB: string;
  databaseA: string;
  databaseB: string;
  /** Also write the HTML form here. */
  out?: string;
}

export async function runComparison(request: CompareRequest): Promise<Comparison> {
  const a = loadRun(request.databaseA, request.runA);
  const b = loadRun(request.databaseB, request.runB);
  const comparison = await compareRuns(a, b);
  if (request.out !== undefined) {
    const thumbs: DriftThumbnails = new Map();
    for (const p of comparison.largestDrift) {
      const [ta, tb] = await Promise.all([thumbnailDataUri(p.fileA), thumbnailDataUri(p.fileB)]);
      if (ta && tb) thumbs.set(`${p.fileA}|${p.fileB}`, { a: ta, b: tb });
    }
    const file = path.resolve(request.out);
    mkdirSync(path.dirname(file), { recursive: true });
    await writeFileAtomic(file, comparePage(comparison, thumbs));
  }
  return comparison;
}

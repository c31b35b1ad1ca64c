import { statSync } from 'node:fs';
import type { UrlScoringModel } from '../registry/model-entry.js';
import { downloadVerified } from './http-download.js';
import type { PrefetchProgress } from './progress.js';

/**
 * A weight file that is not on the Hub (the aesthetic MLP) into `file`, checked against the
 * registry's size and sha256. A file already there is kept as is: locateUrlAsset verifies it
 * when a run reads it.
 */
export async function fetchUrlAsset(
  asset: UrlScoringModel,
  file: string,
  progress: PrefetchProgress,
  options: { signal?: AbortSignal; dryRun?: boolean } = {},
): Promise<{ downloadedBytes: number; presentBytes: number }> {
  const present = statSync(file, { throwIfNoEntry: false })?.size === asset.sizeBytes;
  if (options.dryRun) {
    progress.planned(asset.key, file, asset.sizeBytes, present);
  } else if (!present) {
    const started = performance.now();
    progress.fileStart(asset.key, asset.url, asset.sizeBytes);
    await downloadVerified(asset.url, file, { size: asset.sizeBytes, sha256: asset.sha256 }, {
      signal: options.signal,
      onProgress: (done, total) => progress.fileProgress(done, total),
    });
    progress.fileDone(asset.key, file, asset.sizeBytes, performance.now() - started);
  }
  return present ? { downloadedBytes: 0, presentBytes: asset.sizeBytes } : { downloadedBytes: asset.sizeBytes, presentBytes: 0 };
}

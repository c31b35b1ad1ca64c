import { readFileSync, statSync } from 'node:fs';
import { PrefetchError } from './errors.js';
import type { HubClient } from './hub-client.js';
import { HubCacheRepo } from './hub-cache-layout.js';
import { downloadVerified } from './http-download.js';
import type { PrefetchProgress } from './progress.js';
import { contentSize, selectClipFiles, selectClipModelFiles, selectPipelineFiles, selectProcessorFiles, type RepoFile } from './select-files.js';

export interface RepoTarget {
  /** Registry key, for messages. */
  key: string;
  repo: string;
  revision: string;
  /** clip: configs, tokenizer and safetensors; clip-model: the same, or pytorch_model.bin when there are no safetensors; processor: processor and tokenizer files only. */
  kind: 'pipeline' | 'clip' | 'clip-model' | 'processor';
  variant: 'fp16' | null;
}

export interface RepoResult {
  key: string;
  repo: string;
  commit: string;
  /** The snapshot folder the runner will find (locateHubModel). */
  dir: string;
  files: number;
  downloadedBytes: number;
  presentBytes: number;
}

export interface FetchContext {
  client: HubClient;
  cacheDir: string;
  progress: PrefetchProgress;
  signal?: AbortSignal;
  /** List what would be fetched, fetch nothing. */
  dryRun?: boolean;
}

/** Fetches the files of one repo the engine reads into the HF cache; files already there are kept. */
export async function fetchRepo(target: RepoTarget, ctx: FetchContext): Promise<RepoResult> {
  const { commit, files } = await ctx.client.snapshot(target.repo, target.revision, ctx.signal);
  const cache = new HubCacheRepo(ctx.cacheDir, target.repo);
  const result: RepoResult = { key: target.key, repo: target.repo, commit, dir: cache.snapshotPath(commit, ''), files: 0, downloadedBytes: 0, presentBytes: 0 };
  let selected: RepoFile[];
  if (target.kind === 'clip') {
    selected = selectClipFiles(files);
  } else if (target.kind === 'clip-model') {
    selected = selectClipModelFiles(files);
  } else if (target.kind === 'processor') {
    selected = selectProcessorFiles(files);
    if (!selected.some((f) => f.path === 'preprocessor_config.json')) {
      throw new PrefetchError('ERR_PREFETCH_NOT_FOUND', `${target.repo}@${target.revision} has no preprocessor_config.json: not a CLIP processor repo`);
    }
  } else {
    // Which components exist is model_index.json's to say: fetch it first.
    const index = files.find((f) => f.path === 'model_index.json');
    if (!index) {
      throw new PrefetchError('ERR_PREFETCH_NOT_FOUND', `${target.repo}@${target.revision} has no model_index.json: not a diffusers pipeline repo`);
    }
    await fetchFile(target, commit, index, cache, ctx, result, true);
    selected = selectPipelineFiles(files, pipelineComponents(cache.snapshotPath(commit, index.path)), target.variant);
  }
  for (const file of selected) {
    // A pipeline's model_index.json was fetched above (also in a dry run: it says what to list).
    if (target.kind !== 'pipeline' || file.path !== 'model_index.json') await fetchFile(target, commit, file, cache, ctx, result, false);
  }
  if (!ctx.dryRun) cache.writeRef(target.revision, commit);
  return result;
}

async function fetchFile(
  target: RepoTarget,
  commit: string,
  file: RepoFile,
  cache: HubCacheRepo,
  ctx: FetchContext,
  result: RepoResult,
  evenInDryRun: boolean,
): Promise<void> {
  const etag = file.lfs?.sha256 ?? file.blobId;
  const blob = cache.blobPath(etag);
  const size = contentSize(file);
  const present = statSync(blob, { throwIfNoEntry: false })?.size === size;
  result.files += 1;
  if (present) result.presentBytes += size;
  else result.downloadedBytes += size;
  if (ctx.dryRun && !evenInDryRun) {
    ctx.progress.planned(target.key, file.path, size, present);
    return;
  }
  if (!present) {
    const started = performance.now();
    ctx.progress.fileStart(target.key, file.path, size);
    const expected = file.lfs ? { size, sha256: file.lfs.sha256 } : { size, gitBlobSha1: file.blobId };
    await downloadVerified(ctx.client.fileUrl(target.repo, commit, file.path), blob, expected, {
      headers: ctx.client.headers,
      signal: ctx.signal,
      onProgress: (done, total) => ctx.progress.fileProgress(done, total),
    });
    ctx.progress.fileDone(target.key, file.path, size, performance.now() - started);
  }
  cache.linkSnapshot(commit, file.path, etag);
}

/** Components with a class (`"unet": ["diffusers", "UNet2DConditionModel"]`); `[null, null]` ones are absent. */
function pipelineComponents(modelIndexFile: string): string[] {
  let index: Record<string, unknown>;
  try {
    index = JSON.parse(readFileSync(modelIndexFile, 'utf8')) as Record<string, unknown>;
  } catch (err) {
    throw new PrefetchError('ERR_PREFETCH_HUB', `${modelIndexFile}: not valid JSON (${(err as Error).message})`, { cause: err });
  }
  return Object.entries(index)
    .filter(([, v]) => Array.isArray(v) && v.length === 2 && v[0] !== null)
    .map(([k]) => k);
}

import type { LoadedRunConfig } from '../config/load-run-config.js';
import { hubCacheDir } from '../registry/hf-cache.js';
import { fetchRepo, type RepoResult } from './fetch-repo.js';
import { fetchUrlAsset } from './fetch-url-asset.js';
import { hubAccess } from './hub-access.js';
import { HubClient } from './hub-client.js';
import { prefetchTargets, type PrefetchTargets } from './prefetch-targets.js';
import type { PrefetchProgress } from './progress.js';

export interface PrefetchOptions {
  env?: NodeJS.ProcessEnv;
  progress: PrefetchProgress;
  signal?: AbortSignal;
  dryRun?: boolean;
}

export interface PrefetchResult {
  cacheDir: string;
  repos: RepoResult[];
  local: PrefetchTargets['local'];
  downloadedBytes: number;
  presentBytes: number;
}

/**
 * Puts everything a run of `config` reads from the network into the Hugging Face cache (and the
 * aesthetic MLP into the models folder), where the runner finds it: only the files the engine
 * reads, each verified against the Hub's sha256 / git blob id, resumable after an interruption.
 */
export async function prefetch(config: LoadedRunConfig, options: PrefetchOptions): Promise<PrefetchResult> {
  const env = options.env ?? process.env;
  const targets = prefetchTargets(config, env);
  const cacheDir = hubCacheDir(env);
  const ctx = { client: new HubClient(hubAccess(env)), cacheDir, progress: options.progress, signal: options.signal, dryRun: options.dryRun };
  const result: PrefetchResult = { cacheDir, repos: [], local: targets.local, downloadedBytes: 0, presentBytes: 0 };
  for (const target of targets.repos) {
    const repo = await fetchRepo(target, ctx);
    result.repos.push(repo);
    result.downloadedBytes += repo.downloadedBytes;
    result.presentBytes += repo.presentBytes;
  }
  for (const { asset, file } of targets.assets) {
    const bytes = await fetchUrlAsset(asset, file, options.progress, { signal: options.signal, dryRun: options.dryRun });
    result.downloadedBytes += bytes.downloadedBytes;
    result.presentBytes += bytes.presentBytes;
  }
  return result;
}

import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** huggingface_hub's home folder (token, hub cache): $HF_HOME, else $XDG_CACHE_HOME/huggingface or ~/.cache/huggingface. */
export function hfHome(env: NodeJS.ProcessEnv = process.env): string {
  if (env.HF_HOME) return path.resolve(env.HF_HOME);
  const cacheHome = env.XDG_CACHE_HOME ? path.resolve(env.XDG_CACHE_HOME) : path.join(os.homedir(), '.cache');
  return path.join(cacheHome, 'huggingface');
}

/** The Hugging Face hub cache, with huggingface_hub's precedence. */
export function hubCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.HF_HUB_CACHE) return path.resolve(env.HF_HUB_CACHE);
  if (env.HUGGINGFACE_HUB_CACHE) return path.resolve(env.HUGGINGFACE_HUB_CACHE);
  return path.join(hfHome(env), 'hub');
}

/** A repo's folder in the hub cache: `models--org--name`. */
export const repoCacheDir = (cacheDir: string, repo: string): string => path.join(cacheDir, `models--${repo.split('/').join('--')}`);

export type SnapshotLookup = { dir: string } | { missing: string };

const COMMIT = /^[0-9a-f]{40}$/;

/**
 * `models--org--name/snapshots/<commit>/`: a branch or tag is turned into its commit through
 * `refs/<revision>`, as huggingface_hub writes it; a commit names the snapshot directly.
 */
export function findSnapshot(cacheDir: string, repo: string, revision: string): SnapshotLookup {
  const repoDir = repoCacheDir(cacheDir, repo);
  if (!existsSync(repoDir)) return { missing: repoDir };
  let commit = revision;
  if (!COMMIT.test(revision)) {
    const ref = path.join(repoDir, 'refs', revision);
    if (!existsSync(ref)) return { missing: ref };
    commit = readFileSync(ref, 'utf8').trim();
  }
  const dir = path.join(repoDir, 'snapshots', commit);
  return existsSync(dir) ? { dir } : { missing: dir };
}

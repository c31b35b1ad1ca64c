import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Hugging Face hub cache: HF_HUB_CACHE > HUGGINGFACE_HUB_CACHE > $HF_HOME/hub > ~/.cache/huggingface/hub. */
export function hfHubCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.HF_HUB_CACHE) return env.HF_HUB_CACHE;
  if (env.HUGGINGFACE_HUB_CACHE) return env.HUGGINGFACE_HUB_CACHE;
  if (env.HF_HOME) return path.join(env.HF_HOME, 'hub');
  return path.join(os.homedir(), '.cache', 'huggingface', 'hub');
}

/** Whether a path (or its nearest existing parent) exists: used to report reachability. */
export function nearestExisting(p: string): string | undefined {
  let current = path.resolve(p);
  for (;;) {
    if (existsSync(current)) return current;
    const parent = path.dirname(current);
    if (parent === current) return undefined;
    current = parent;
  }
}

import { existsSync } from 'node:fs';
import { findHubModel, type LocateOptions } from './locate-model.js';
import { urlAssetPath } from './locate-url-asset.js';
import { resolveSource } from './lookup.js';
import { MODEL_REGISTRY } from './models.js';

export interface ModelPresence {
  key: string;
  role: 'generation' | 'scoring';
  present: boolean;
  /** Where it was found; null when missing. */
  dir: string | null;
  /** How to get it when missing. */
  fix: string | null;
}

/**
 * Which of the registry's generation models and scoring models this machine has, found the way
 * `ppbench run` finds them (research/models/<key>, then the HF cache). Presence only: nothing is
 * loaded or hashed (`ppbench run`'s preflight checks the folders in depth).
 */
export function modelInventory(options: LocateOptions = {}): ModelPresence[] {
  const env = options.env ?? process.env;
  const hub = (key: string, role: ModelPresence['role'], ref: Parameters<typeof findHubModel>[0], fix: string): ModelPresence => {
    const found = findHubModel(ref, options);
    return 'dir' in found ? { key, role, present: true, dir: found.dir, fix: null } : { key, role, present: false, dir: null, fix };
  };
  const generation = MODEL_REGISTRY.generation.map((m) =>
    hub(m.key, 'generation', { key: m.key, ...resolveSource(m, {}, env), variant: m.variant, marker: 'model_index.json' }, `npx ppbench prefetch --models ${m.key}`),
  );
  const { clip, aesthetic } = MODEL_REGISTRY.scoring;
  const clipPresence = hub(clip.key, 'scoring', { key: clip.key, ...resolveSource(clip, {}, env), marker: 'config.json' }, 'npx ppbench prefetch (fetches the scoring models too)');
  const file = urlAssetPath(aesthetic, options);
  const aestheticPresence: ModelPresence = existsSync(file)
    ? { key: aesthetic.key, role: 'scoring', present: true, dir: file, fix: null }
    : { key: aesthetic.key, role: 'scoring', present: false, dir: null, fix: 'npx ppbench prefetch (fetches the scoring models too)' };
  return [...generation, clipPresence, aestheticPresence];
}

import { existsSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../config/config-error.js';
import { DEFAULT_MODELS_DIR } from '../config/project-root.js';
import { findSnapshot, hubCacheDir } from './hf-cache.js';

export interface HubModelRef {
  key: string;
  repo: string;
  revision: string;
  /** Explicit local folder (config `path`). */
  path?: string;
  /** diffusers variant, only for the prefetch hint. */
  variant?: 'fp16' | null;
  /** A file every complete folder has (model_index.json for pipelines, config.json for CLIP). */
  marker: string;
}

export interface LocateOptions {
  /** Folder of local models, `<modelsDir>/<key>` (default research/models). */
  modelsDir?: string;
  env?: NodeJS.ProcessEnv;
}

export interface ModelLocation {
  dir: string;
  source: 'path' | 'local' | 'hf-cache';
}

/** `<models dir>/<key>`: the models dir is `modelsDir`, else $PPBENCH_MODELS_DIR, else research/models. */
export function localModelDir(key: string, options: LocateOptions = {}): string {
  const env = options.env ?? process.env;
  return path.join(options.modelsDir ?? env.PPBENCH_MODELS_DIR ?? DEFAULT_MODELS_DIR, key);
}

/** Explicit path, then `research/models/<key>`, then the HF cache; else an error saying how to prefetch. */
export function locateHubModel(ref: HubModelRef, options: LocateOptions = {}): ModelLocation {
  const found = findHubModel(ref, options);
  if ('dir' in found) return found;
  throw new ConfigError('ERR_MODEL_NOT_FOUND', found.problem);
}

/** locateHubModel without throwing: the location, or why there is none (with how to fix it). */
export function findHubModel(ref: HubModelRef, options: LocateOptions = {}): ModelLocation | { problem: string; localDir: string; cacheDir: string } {
  const env = options.env ?? process.env;
  const local = localModelDir(ref.key, options);
  const cache = hubCacheDir(env);
  if (ref.path !== undefined) {
    const dir = path.resolve(ref.path);
    if (existsSync(path.join(dir, ref.marker))) return { dir, source: 'path' };
    return { problem: `model "${ref.key}": configured path ${dir} has no ${ref.marker}`, localDir: local, cacheDir: cache };
  }
  if (existsSync(path.join(local, ref.marker))) return { dir: local, source: 'local' };
  const found = findSnapshot(cache, ref.repo, ref.revision);
  if ('dir' in found && existsSync(path.join(found.dir, ref.marker))) return { dir: found.dir, source: 'hf-cache' };
  const missing = 'dir' in found ? path.join(found.dir, ref.marker) : found.missing;
  return {
    problem:
      `model "${ref.key}" (${ref.repo}@${ref.revision}) not found: no ${local}/${ref.marker} and no snapshot in the HF cache ${cache} (missing ${missing}). ` +
      `Prefetch it with: npx ppbench prefetch${ref.marker === 'model_index.json' ? ` --models ${ref.key}` : ''} (or ${prefetchCommand(ref)}) — ` +
      `or put a diffusers folder at ${local}, or set models[].path in the config`,
    localDir: local,
    cacheDir: cache,
  };
}

/** Only what the engine reads (MODELS.md §4): configs, tokenizers and the variant's safetensors. */
export function prefetchCommand(ref: Pick<HubModelRef, 'repo' | 'revision' | 'variant' | 'marker'>): string {
  const weights = ref.variant === 'fp16' ? '"*.fp16.safetensors"' : '"*/*.safetensors"';
  const include = ref.marker === 'model_index.json' ? `"*.json" "*.txt" ${weights}` : '"*.json" "*.txt" "model.safetensors"';
  return `hf download ${ref.repo} --revision ${ref.revision} --include ${include}`;
}

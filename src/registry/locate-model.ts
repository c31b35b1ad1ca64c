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

/** Explicit path, then `research/models/<key>`, then the HF cache; else an error saying how to prefetch. */
export function locateHubModel(ref: HubModelRef, options: LocateOptions = {}): ModelLocation {
  const env = options.env ?? process.env;
  if (ref.path !== undefined) {
    const dir = path.resolve(ref.path);
    if (existsSync(path.join(dir, ref.marker))) return { dir, source: 'path' };
    throw new ConfigError('ERR_MODEL_NOT_FOUND', `model "${ref.key}": configured path ${dir} has no ${ref.marker}`);
  }
  const local = path.join(options.modelsDir ?? env.PPBENCH_MODELS_DIR ?? DEFAULT_MODELS_DIR, ref.key);
  if (existsSync(path.join(local, ref.marker))) return { dir: local, source: 'local' };
  const cache = hubCacheDir(env);
  const found = findSnapshot(cache, ref.repo, ref.revision);
  if ('dir' in found && existsSync(path.join(found.dir, ref.marker))) return { dir: found.dir, source: 'hf-cache' };
  const missing = 'dir' in found ? path.join(found.dir, ref.marker) : found.missing;
  throw new ConfigError(
    'ERR_MODEL_NOT_FOUND',
    `model "${ref.key}" (${ref.repo}@${ref.revision}) not found: no ${local}/${ref.marker} and no snapshot in the HF cache ${cache} (missing ${missing}). ` +
      `Prefetch it with: ${prefetchCommand(ref)} — or put a diffusers folder at ${local}, or set models[].path in the config`,
  );
}

/** Only what the engine reads (MODELS.md §4): configs, tokenizers and the variant's safetensors. */
function prefetchCommand(ref: HubModelRef): string {
  const weights = ref.variant === 'fp16' ? '"*.fp16.safetensors"' : '"*/*.safetensors"';
  const include = ref.marker === 'model_index.json' ? `"*.json" "*.txt" ${weights}` : '"*.json" "*.txt" "model.safetensors"';
  return `hf download ${ref.repo} --revision ${ref.revision} --include ${include}`;
}

import { existsSync } from 'node:fs';
import path from 'node:path';
import { DEMO_MODEL_KEYS, demoModelSettings, ensureDemoModels } from '../demo/index.js';
import { locateHubModel, type LocateOptions } from '../registry/locate-model.js';
import { generationModel, knownModelKeys, resolveSource } from '../registry/lookup.js';
import { MODEL_REGISTRY } from '../registry/models.js';
import { modelKeySchema } from '../registry/model-entry.js';
import { ServeError } from './errors.js';
import type { ServeModel } from './model-pool.js';
import type { ModelDefaults } from './request.js';

const settingsOnly = ({ negativePrompt: _negative, ...rest }: { negativePrompt: string | null } & ModelDefaults): ModelDefaults => rest;

const registryDefaults = (key: string): ModelDefaults | undefined => {
  const entry = MODEL_REGISTRY.generation.find((m) => m.key === key);
  return entry ? settingsOnly(entry.defaults) : undefined;
};

function optionsError(message: string): ServeError {
  return new ServeError(400, 'ERR_SERVE_OPTIONS', message);
}

/**
 * `--models` entries: `KEY=DIR` serves a diffusers folder under KEY (with the registry's
 * defaults when KEY is a registry key); a bare `KEY` is a registry model, found like the runner
 * finds it (`research/models/<key>`, then the Hugging Face cache).
 */
export function parseModelList(spec: string, locate: LocateOptions = {}): Record<string, ServeModel> {
  const out: Record<string, ServeModel> = {};
  for (const raw of spec.split(',').map((s) => s.trim()).filter((s) => s !== '')) {
    const eq = raw.indexOf('=');
    const key = (eq < 0 ? raw : raw.slice(0, eq)).trim();
    const keyCheck = modelKeySchema.safeParse(key);
    if (!keyCheck.success) throw optionsError(`--models "${raw}": key "${key}" ${keyCheck.error.issues[0]?.message ?? 'is invalid'}`);
    if (out[key]) throw optionsError(`--models: model "${key}" is listed twice`);
    if (eq < 0) {
      if (!knownModelKeys().includes(key)) {
        throw optionsError(`--models "${key}": not a registry model (known: ${knownModelKeys().join(', ')}); give a folder as ${key}=DIR`);
      }
      const entry = generationModel(key, '--models');
      const dir = locateHubModel({ key, ...resolveSource(entry), variant: entry.variant, marker: 'model_index.json' }, locate).dir;
      out[key] = { dir, defaults: settingsOnly(entry.defaults) };
      continue;
    }
    const dirArg = raw.slice(eq + 1).trim();
    if (dirArg === '') throw optionsError(`--models "${raw}": empty folder after "="`);
    const dir = path.resolve(dirArg);
    if (!existsSync(path.join(dir, 'model_index.json'))) {
      throw optionsError(`--models "${raw}": ${dir} is not a diffusers model folder (no model_index.json)`);
    }
    const defaults = registryDefaults(key);
    out[key] = defaults ? { dir, defaults } : { dir };
  }
  if (Object.keys(out).length === 0) throw optionsError('--models: no model given');
  return out;
}

/** The seven demo models (generated into `root` when missing), with their demo settings. */
export async function demoServeModels(root: string): Promise<Record<string, ServeModel>> {
  const demo = await ensureDemoModels(root);
  return Object.fromEntries(
    DEMO_MODEL_KEYS.map((key) => [key, { dir: demo.models[key], defaults: settingsOnly(demoModelSettings[key]) }]),
  );
}

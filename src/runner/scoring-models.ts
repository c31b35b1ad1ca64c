import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { LoadedRunConfig } from '../config/load-run-config.js';
import { ConfigError } from '../config/config-error.js';
import { findHubModel, locateHubModel, type LocateOptions } from '../registry/locate-model.js';
import { locateUrlAsset, sha256OfFile } from '../registry/locate-url-asset.js';
import { resolveSource } from '../registry/lookup.js';
import { MODEL_REGISTRY } from '../registry/models.js';

/** The aesthetic predictor a run reads: the registry's LAION file (hash-checked) or custom weights as given. */
export interface AestheticWeights {
  file: string;
  /** sha256 of the file's bytes (for custom weights: recorded, not checked). */
  sha256: string;
  custom: boolean;
}

/**
 * `scoring.aesthetic`: absent or `{}` = the registry's LAION file, refused unless its sha256 matches;
 * `{path}` = custom weights (.pth or .safetensors) used as given, their sha256 recorded. Null for `false`.
 */
export function locateAestheticWeights(setting: LoadedRunConfig['scoring']['aesthetic'], options: LocateOptions = {}): AestheticWeights | null {
  if (setting === false) return null;
  const { aesthetic } = MODEL_REGISTRY.scoring;
  if (setting?.path === undefined) {
    const file = locateUrlAsset(aesthetic, options);
    return { file, sha256: aesthetic.sha256, custom: false };
  }
  const file = path.resolve(setting.path);
  if (!existsSync(file) || !statSync(file).isFile()) {
    throw new ConfigError('ERR_MODEL_NOT_FOUND', `scoring.aesthetic.path: ${file} is not a file (custom aesthetic weights: a .pth or .safetensors file)`);
  }
  if (!/\.(pth|pt|safetensors)$/i.test(file)) {
    throw new ConfigError('ERR_MODEL_NOT_FOUND', `scoring.aesthetic.path: ${file}: expected a .pth or .safetensors file`);
  }
  return { file, sha256: sha256OfFile(file), custom: true };
}

export interface PickScoreFolders {
  modelDir: string;
  processorDir: string;
  /** Where each came from, for the run's record. */
  sources: { model: { repo: string; revision: string }; processor: { repo: string; revision: string } };
}

/** PickScore_v1 and its processor: `<models dir>/pickscore[-processor]`, else the HF cache (ppbench prefetch puts them there). */
export function locatePickScore(options: LocateOptions = {}): PickScoreFolders {
  const { pickscore, pickscoreProcessor } = MODEL_REGISTRY.scoring;
  const model = resolveSource(pickscore, {}, options.env);
  const processor = resolveSource(pickscoreProcessor, {}, options.env);
  return {
    modelDir: locateHubModel({ key: pickscore.key, ...model, marker: 'config.json' }, options).dir,
    processorDir: locateHubModel({ key: pickscoreProcessor.key, ...processor, marker: 'preprocessor_config.json' }, options).dir,
    sources: { model, processor },
  };
}

/** Tokenizer files a CLIP processor folder needs: the slow files, or tokenizer.json. */
const hasTokenizer = (dir: string): boolean =>
  (existsSync(path.join(dir, 'vocab.json')) && existsSync(path.join(dir, 'merges.txt'))) || existsSync(path.join(dir, 'tokenizer.json'));

/**
 * Cheap checks of a transformers CLIPModel folder (no weights read): config.json parses and has
 * vision_config and text_config, and a weight file the engine reads exists and is not empty.
 * Returns the problems, each naming the file.
 */
export function checkClipModelFolder(dir: string): string[] {
  const config = path.join(dir, 'config.json');
  if (!existsSync(config)) return [`${config} is missing (expected a transformers CLIPModel folder)`];
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(config, 'utf8'));
  } catch (err) {
    return [`${config}: not valid JSON (${(err as Error).message})`];
  }
  const problems: string[] = [];
  const obj = (json ?? {}) as Record<string, unknown>;
  for (const key of ['vision_config', 'text_config']) {
    const v = obj[key];
    if (typeof v !== 'object' || v === null || Array.isArray(v)) problems.push(`${config}: not a transformers CLIPModel config (no "${key}" object)`);
  }
  const weights = ['model.safetensors', 'model.safetensors.index.json', 'pytorch_model.bin'].map((f) => path.join(dir, f)).find((f) => existsSync(f));
  if (weights === undefined) problems.push(`${dir}: no weights (looked for model.safetensors, model.safetensors.index.json, pytorch_model.bin)`);
  else if (statSync(weights).size === 0) problems.push(`${weights} is empty`);
  return problems;
}

/** Cheap checks of a CLIP processor folder: preprocessor_config.json and the tokenizer files. */
export function checkClipProcessorFolder(dir: string): string[] {
  const problems: string[] = [];
  if (!existsSync(path.join(dir, 'preprocessor_config.json'))) problems.push(`${path.join(dir, 'preprocessor_config.json')} is missing`);
  if (!hasTokenizer(dir)) problems.push(`${dir}: no tokenizer files (vocab.json + merges.txt, or tokenizer.json)`);
  return problems;
}

/** One scoring model's problem: which registry model, and what is wrong (naming the file). */
export interface ScoringModelProblem {
  model: string;
  problem: string;
}

/**
 * Everything wrong with the scoring models a (non-demo) run with this config would load, each
 * naming the file; empty when scoring is off or all is in place. Reads configs and hashes the
 * registry aesthetic file, never loads weights: meant for a preflight before generation.
 */
export function checkScoringModels(config: LoadedRunConfig, options: LocateOptions = {}): ScoringModelProblem[] {
  if (!config.scoring.enabled || config.demo) return [];
  const problems: ScoringModelProblem[] = [];
  const { clip, aesthetic, pickscore, pickscoreProcessor } = MODEL_REGISTRY.scoring;
  const folder = (key: string, found: ReturnType<typeof findHubModel>, check: (dir: string) => string[]): void => {
    const list = 'dir' in found ? check(found.dir) : [found.problem];
    problems.push(...list.map((problem) => ({ model: key, problem })));
  };
  folder(clip.key, findHubModel({ key: clip.key, ...resolveSource(clip, config.scoring.clip, options.env), marker: 'config.json' }, options), checkClipModelFolder);
  try {
    locateAestheticWeights(config.scoring.aesthetic, options);
  } catch (err) {
    problems.push({ model: aesthetic.key, problem: (err as Error).message });
  }
  if (config.scoring.pickscore) {
    folder(pickscore.key, findHubModel({ key: pickscore.key, ...resolveSource(pickscore, {}, options.env), marker: 'config.json' }, options), checkClipModelFolder);
    const processor = findHubModel(
      { key: pickscoreProcessor.key, ...resolveSource(pickscoreProcessor, {}, options.env), marker: 'preprocessor_config.json' },
      options,
    );
    folder(pickscoreProcessor.key, processor, checkClipProcessorFolder);
  }
  return problems;
}

import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';

export type Family = 'sd1' | 'sd2' | 'sdxl';

export interface FolderCheck {
  family: Family | null;
  /** Problems found, each naming the file. */
  problems: string[];
  /** The weight files the engine would read, one per component. */
  weightFiles: string[];
}

/** Smaller than any real safetensors file with tensors in it: the 8-byte length and a header. */
const MIN_WEIGHT_BYTES = 16;

type Json = Record<string, unknown>;

function readJson(file: string, problems: string[]): Json | null {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    problems.push(`${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : (err as Error).message}`);
    return null;
  }
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Json;
    problems.push(`${file}: not a JSON object`);
  } catch (err) {
    problems.push(`${file}: invalid JSON (${(err as Error).message})`);
  }
  return null;
}

/** The names the engine tries (native weight_store.cpp): the variant file if any, else the plain one, else a sharded index. */
function weightFile(dir: string, library: string, variant: string | null, problems: string[]): string | null {
  const bases = library === 'transformers' ? ['model'] : library === 'diffusers' ? ['diffusion_pytorch_model'] : ['diffusion_pytorch_model', 'model'];
  const names = (base: string, v: string | null) =>
    v === null ? [`${base}.safetensors`, `${base}.safetensors.index.json`] : [`${base}.${v}.safetensors`, `${base}.safetensors.index.${v}.json`, `${base}.${v}.safetensors.index.json`];
  const tried: string[] = [];
  for (const v of variant === null ? [null] : [variant, null]) {
    for (const base of bases) {
      for (const name of names(base, v)) {
        const file = path.join(dir, name);
        tried.push(name);
        let size: number;
        try {
          const stat = statSync(file);
          if (!stat.isFile()) continue;
          size = stat.size;
        } catch {
          continue;
        }
        if (name.endsWith('.json')) return checkIndex(file, dir, problems);
        if (size < MIN_WEIGHT_BYTES) problems.push(`${file}: ${size} bytes, too small to hold weights (an interrupted download?)`);
        return file;
      }
    }
  }
  problems.push(`${dir}: no weights (looked for ${[...new Set(tried)].join(', ')})`);
  return null;
}

function checkIndex(index: string, dir: string, problems: string[]): string {
  const json = readJson(index, problems);
  const map = json?.weight_map;
  if (json && (typeof map !== 'object' || map === null)) problems.push(`${index}: no "weight_map" object`);
  if (typeof map === 'object' && map !== null) {
    for (const shard of new Set(Object.values(map as Json))) {
      const file = path.join(dir, String(shard));
      try {
        if (statSync(file).size < MIN_WEIGHT_BYTES) problems.push(`${file}: too small to hold weights`);
      } catch {
        problems.push(`${file}: missing (listed in ${index})`);
      }
    }
  }
  return index;
}

/**
 * What the engine checks first when it loads a pipeline folder, without reading any weights:
 * model_index.json and the component configs parse, each component has the weight files the
 * engine would open, and the family follows from the configs (native model_family.cpp).
 */
export function checkModelFolder(dir: string, variant: string | null): FolderCheck {
  const problems: string[] = [];
  const weightFiles: string[] = [];
  const index = readJson(path.join(dir, 'model_index.json'), problems);
  if (!index) return { family: null, problems, weightFiles };
  const library = (name: string): string => {
    const entry = index[name];
    return Array.isArray(entry) && typeof entry[0] === 'string' ? entry[0] : '';
  };
  const has = (name: string) => Array.isArray(index[name]) && index[name][0] !== null;
  for (const required of ['unet', 'vae', 'text_encoder', 'scheduler']) {
    if (!has(required)) problems.push(`${path.join(dir, 'model_index.json')}: no component "${required}"`);
  }
  const configs: Record<string, Json | null> = {};
  for (const name of ['unet', 'vae', 'text_encoder', 'text_encoder_2']) {
    if (!has(name)) continue;
    configs[name] = readJson(path.join(dir, name, 'config.json'), problems);
    const file = weightFile(path.join(dir, name), library(name), variant, problems);
    if (file) weightFiles.push(file);
  }
  if (has('scheduler')) readJson(path.join(dir, 'scheduler', 'scheduler_config.json'), problems);
  for (const name of ['tokenizer', 'tokenizer_2']) {
    if (has(name)) for (const f of ['vocab.json', 'merges.txt']) statOrProblem(path.join(dir, name, f), problems);
  }
  return { family: detectFamily(dir, configs, problems), problems, weightFiles };
}

function statOrProblem(file: string, problems: string[]): void {
  try {
    statSync(file);
  } catch {
    problems.push(`${file}: missing`);
  }
}

function detectFamily(dir: string, configs: Record<string, Json | null>, problems: string[]): Family | null {
  const unet = configs.unet;
  const te = configs.text_encoder;
  if (!unet || !te) return null;
  if (unet.addition_embed_type === 'text_time') {
    if (!('text_encoder_2' in configs)) {
      problems.push(`${path.join(dir, 'unet', 'config.json')}: SDXL ("addition_embed_type": "text_time") but no text_encoder_2`);
      return null;
    }
    return 'sdxl';
  }
  const act = te.hidden_act ?? 'quick_gelu';
  if (act === 'quick_gelu') return 'sd1';
  if (act === 'gelu') return 'sd2';
  problems.push(`${path.join(dir, 'text_encoder', 'config.json')}: "hidden_act" is ${JSON.stringify(act)}: neither SD1 (quick_gelu) nor SD2 (gelu)`);
  return null;
}

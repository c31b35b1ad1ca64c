import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../config/project-root.js';
import type { JsonObject } from './json.js';

/*
 * The REAL configs of the seven benchmark models and of the scoring CLIP, as published on the
 * Hub, in research/data/real-configs/<model>/ with the Hub's own layout (copied verbatim from
 * spec/configs, which test/demo checks). The demo models keep their structure and shrink only
 * widths and depths (tiny-configs.ts).
 */
export const REAL_CONFIGS_DIR = path.join(projectRoot, 'research', 'data', 'real-configs');

export const REAL_CONFIG_MODELS = ['sd15', 'sd21', 'sd-turbo', 'sdxl-base', 'sdxl-turbo', 'ssd1b', 'playground25'] as const;
export type RealConfigModel = (typeof REAL_CONFIG_MODELS)[number];

export interface RealModelConfigs {
  modelIndex: JsonObject;
  scheduler: JsonObject;
  unet: JsonObject;
  vae: JsonObject;
  textEncoder: JsonObject;
  textEncoder2?: JsonObject;
  tokenizerConfig: JsonObject;
  tokenizerSpecialTokensMap: JsonObject;
  tokenizer2Config?: JsonObject;
  tokenizer2SpecialTokensMap?: JsonObject;
}

export interface RealClipConfigs {
  config: JsonObject;
  preprocessorConfig: JsonObject;
  tokenizerConfig: JsonObject;
  specialTokensMap: JsonObject;
}

/** Where each field lives inside a model's folder; the `2` ones exist for the SDXL family only. */
export const REAL_MODEL_CONFIG_FILES: Record<keyof RealModelConfigs, string> = {
  modelIndex: 'model_index.json',
  scheduler: 'scheduler/scheduler_config.json',
  unet: 'unet/config.json',
  vae: 'vae/config.json',
  textEncoder: 'text_encoder/config.json',
  textEncoder2: 'text_encoder_2/config.json',
  tokenizerConfig: 'tokenizer/tokenizer_config.json',
  tokenizerSpecialTokensMap: 'tokenizer/special_tokens_map.json',
  tokenizer2Config: 'tokenizer_2/tokenizer_config.json',
  tokenizer2SpecialTokensMap: 'tokenizer_2/special_tokens_map.json',
};

const OPTIONAL = new Set<keyof RealModelConfigs>(['textEncoder2', 'tokenizer2Config', 'tokenizer2SpecialTokensMap']);

function readConfig(file: string): JsonObject {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`cannot read the real config ${file} the demo models are shrunk from: ${(err as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`${file}: not a JSON object`);
  return value as JsonObject;
}

const modelCache = new Map<RealConfigModel, RealModelConfigs>();

/** The real configs of one benchmark model (read once per process). */
export function realModelConfigs(model: RealConfigModel): RealModelConfigs {
  const cached = modelCache.get(model);
  if (cached) return cached;
  const configs: Partial<RealModelConfigs> = {};
  for (const [field, rel] of Object.entries(REAL_MODEL_CONFIG_FILES) as Array<[keyof RealModelConfigs, string]>) {
    const file = path.join(REAL_CONFIGS_DIR, model, rel);
    if (OPTIONAL.has(field) && !existsSync(file)) continue;
    configs[field] = readConfig(file);
  }
  const loaded = configs as RealModelConfigs;
  modelCache.set(model, loaded);
  return loaded;
}

let clipCache: RealClipConfigs | undefined;

/** The scoring CLIP's real configs (openai/clip-vit-large-patch14). */
export function realClipConfigs(): RealClipConfigs {
  const dir = path.join(REAL_CONFIGS_DIR, 'clip-vit-l14');
  clipCache ??= {
    config: readConfig(path.join(dir, 'config.json')),
    preprocessorConfig: readConfig(path.join(dir, 'preprocessor_config.json')),
    tokenizerConfig: readConfig(path.join(dir, 'tokenizer_config.json')),
    specialTokensMap: readConfig(path.join(dir, 'special_tokens_map.json')),
  };
  return clipCache;
}

/*
 * The demo models' configs: each REAL config (real-configs.ts) with only widths and depths
 * shrunk. Block types, mid blocks, attention layout (heads per block, linear vs conv projection,
 * upcast_attention), transformer-depth patterns (incl. SSD-1B's asymmetric up path), the SDXL
 * text_time conditioning, prediction types, VAE scaling / latents_mean+std and the scheduler
 * configs stay exactly as published, so the engine runs every real code path on them.
 */
import type { ImageSettings } from '../registry/model-entry.js';
import { cloneJson, type JsonObject, type JsonValue } from './json.js';
import { REAL_CONFIG_MODELS, realClipConfigs, realModelConfigs, type RealModelConfigs } from './real-configs.js';

/** One demo model per benchmark model, each shrunk from that model's real configs. */
export const DEMO_MODEL_KEYS = REAL_CONFIG_MODELS;
export type DemoModelKey = (typeof DEMO_MODEL_KEYS)[number];

/**
 * UNet channel widths are the real ones divided by this, with the real head counts kept: SD1's 8
 * heads per block -> [16,32,64,64] (real [320,640,1280,1280]); SD2/SDXL's [5,10,20(,20)] heads
 * -> [20,40,80(,80)] with a constant head dim of 4 (real 64).
 */
const UNET_WIDTH_DIVISOR: Record<DemoModelKey, number> = {
  sd15: 20,
  sd21: 16,
  'sd-turbo': 16,
  'sdxl-base': 16,
  'sdxl-turbo': 16,
  ssd1b: 16,
  playground25: 16,
};
/** VAE widths [128,256,512,512] -> [8,16,32,32]. */
const VAE_WIDTH_DIVISOR = 16;
/** GroupNorm groups (real: 32); divides every shrunk width and skip concatenation. */
const NORM_GROUPS = 4;
/** Text-encoder widths: real / 16 with the real head counts (head dim 4). */
const TEXT_WIDTH_DIVISOR = 16;
/** Text-encoder depth: ceil(real / 8) layers (12 -> 2, 23 -> 3, 32 -> 4). */
const TEXT_DEPTH_DIVISOR = 8;
/** SDXL `addition_time_embed_dim` 256 -> 8. */
const TIME_IDS_DIVISOR = 32;
/** Demo resolution: 64×64 px = 8×8 latents. */
export const DEMO_IMAGE_SIZE = 64;

/**
 * Transformer depths of the shrunk UNets (`down`: transformer_layers_per_block; `reverse`: the
 * up-path override, reverse_transformer_layers_per_block):
 * SDXL [1,2,10] -> [1,2,3]; SSD-1B down [1,2,4] -> [1,2,2] and its asymmetric reverse
 * [[4,4,10],[2,1,1],1] -> [[2,2,3],[2,1,1],1] (mid block UNetMidBlock2D unchanged).
 */
const DEPTHS: Partial<Record<DemoModelKey, { down: JsonValue; reverse?: JsonValue }>> = {
  'sdxl-base': { down: [1, 2, 3] },
  'sdxl-turbo': { down: [1, 2, 3] },
  playground25: { down: [1, 2, 3] },
  ssd1b: { down: [1, 2, 2], reverse: [[2, 2, 3], [2, 1, 1], 1] },
};

/** Per-model demo generation defaults: the real scheduler and guidance, few steps, 64×64. */
export const demoModelSettings: Record<DemoModelKey, ImageSettings> = {
  sd15: { width: 64, height: 64, steps: 3, guidance: 7.5, scheduler: 'PNDMScheduler', negativePrompt: null },
  sd21: { width: 64, height: 64, steps: 3, guidance: 7.5, scheduler: 'DPMSolverMultistepScheduler', negativePrompt: null },
  'sd-turbo': { width: 64, height: 64, steps: 2, guidance: 0, scheduler: 'EulerDiscreteScheduler', negativePrompt: null },
  'sdxl-base': { width: 64, height: 64, steps: 3, guidance: 5, scheduler: 'EulerDiscreteScheduler', negativePrompt: null },
  'sdxl-turbo': { width: 64, height: 64, steps: 2, guidance: 0, scheduler: 'EulerAncestralDiscreteScheduler', negativePrompt: null },
  ssd1b: {
    width: 64,
    height: 64,
    steps: 3,
    guidance: 9,
    scheduler: 'EulerDiscreteScheduler',
    negativePrompt: 'ugly, blurry, poor quality',
  },
  playground25: { width: 64, height: 64, steps: 3, guidance: 3, scheduler: 'EDMDPMSolverMultistepScheduler', negativePrompt: null },
};

export interface TinyModelConfigs {
  modelIndex: JsonObject;
  scheduler: JsonObject;
  unet: JsonObject;
  vae: JsonObject;
  /** One per text encoder, in component order (text_encoder, text_encoder_2). */
  textEncoders: JsonObject[];
  /** One per tokenizer folder (tokenizer, tokenizer_2): tokenizer_config.json + special_tokens_map.json. */
  tokenizers: Array<{ config: JsonObject; specialTokensMap: JsonObject }>;
}

function num(obj: JsonObject, key: string): number {
  const v = obj[key];
  if (typeof v !== 'number') throw new Error(`real config: "${key}" is not a number`);
  return v;
}

function shrinkList(value: JsonValue | undefined, divisor: number): number[] {
  if (!Array.isArray(value)) throw new Error('real config: expected a list of widths');
  return value.map((v) => {
    if (typeof v !== 'number' || v % divisor !== 0) {
      throw new Error(`real config: width ${JSON.stringify(v)} is not a multiple of ${divisor}`);
    }
    return v / divisor;
  });
}

function dropNames(config: JsonObject): JsonObject {
  delete config._name_or_path;
  delete config.name_or_path;
  return config;
}

/** A CLIP text config shrunk in width and depth; `vocabSize` is the demo vocabulary's size. */
export function shrinkTextConfig(real: JsonObject, vocabSize: number): JsonObject {
  const c = dropNames(cloneJson(real));
  c.hidden_size = num(real, 'hidden_size') / TEXT_WIDTH_DIVISOR;
  c.intermediate_size = num(real, 'intermediate_size') / TEXT_WIDTH_DIVISOR;
  c.num_hidden_layers = Math.ceil(num(real, 'num_hidden_layers') / TEXT_DEPTH_DIVISOR);
  if (typeof real.projection_dim === 'number') c.projection_dim = real.projection_dim / TEXT_WIDTH_DIVISOR;
  c.vocab_size = vocabSize;
  if ('torch_dtype' in c) c.torch_dtype = 'float32';
  return c;
}

function shrinkUnet(key: DemoModelKey, real: JsonObject, crossAttentionDim: number, pooledDim: number | null): JsonObject {
  const c = cloneJson(real);
  c.block_out_channels = shrinkList(real.block_out_channels, UNET_WIDTH_DIVISOR[key]);
  c.norm_num_groups = NORM_GROUPS;
  c.cross_attention_dim = crossAttentionDim;
  c.sample_size = DEMO_IMAGE_SIZE / 8;
  const depths = DEPTHS[key];
  if (depths) {
    c.transformer_layers_per_block = depths.down;
    if (depths.reverse !== undefined) c.reverse_transformer_layers_per_block = depths.reverse;
  }
  if (real.addition_embed_type === 'text_time') {
    if (pooledDim === null) throw new Error(`${key}: text_time conditioning needs a pooled text embedding`);
    const timeDim = num(real, 'addition_time_embed_dim') / TIME_IDS_DIVISOR;
    c.addition_time_embed_dim = timeDim;
    // Real: 1280 pooled + 6 time ids × 256 = 2816; the same rule on the shrunk widths.
    c.projection_class_embeddings_input_dim = pooledDim + 6 * timeDim;
  }
  return c;
}

function shrinkVae(real: JsonObject): JsonObject {
  const c = cloneJson(real);
  delete c._name_or_path;
  c.block_out_channels = shrinkList(real.block_out_channels, VAE_WIDTH_DIVISOR);
  c.norm_num_groups = NORM_GROUPS;
  c.sample_size = DEMO_IMAGE_SIZE;
  return c;
}

/** model_index.json without the components the demo does not ship (safety checker, feature extractor). */
function demoModelIndex(real: JsonObject): JsonObject {
  const c = cloneJson(real);
  for (const key of ['safety_checker', 'feature_extractor', 'image_encoder']) {
    if (key in c) c[key] = [null, null];
  }
  if ('safety_checker' in c) c.requires_safety_checker = false;
  return c;
}

/** All configs of one demo model. */
export function tinyModelConfigs(key: DemoModelKey, vocabSize: number): TinyModelConfigs {
  const real: RealModelConfigs = realModelConfigs(key);
  const textEncoders = [shrinkTextConfig(real.textEncoder, vocabSize)];
  if (real.textEncoder2) textEncoders.push(shrinkTextConfig(real.textEncoder2, vocabSize));
  // SD1/SD2 feed the UNet one encoder's hidden states; SDXL concatenates both encoders' (768 + 1280 = 2048).
  const crossAttentionDim = textEncoders.reduce((sum, t) => sum + num(t, 'hidden_size'), 0);
  const pooledDim = real.textEncoder2 ? num(textEncoders[1]!, 'projection_dim') : null;
  const tokenizers = [{ config: dropNames(cloneJson(real.tokenizerConfig)), specialTokensMap: cloneJson(real.tokenizerSpecialTokensMap) }];
  if (real.tokenizer2Config && real.tokenizer2SpecialTokensMap) {
    tokenizers.push({ config: dropNames(cloneJson(real.tokenizer2Config)), specialTokensMap: cloneJson(real.tokenizer2SpecialTokensMap) });
  }
  return {
    modelIndex: demoModelIndex(real.modelIndex),
    scheduler: cloneJson(real.scheduler),
    unet: shrinkUnet(key, real.unet, crossAttentionDim, pooledDim),
    vae: shrinkVae(real.vae),
    textEncoders,
    tokenizers,
  };
}

/** Demo CLIP image size (real 224) with the real patch size 14: a 4×4 patch grid. */
const CLIP_IMAGE_SIZE = 56;
const CLIP_VISION_DEPTH_DIVISOR = 8;

/** The scoring CLIPModel config and preprocessor config, shrunk from openai/clip-vit-large-patch14. */
export function tinyClipConfigs(vocabSize: number): { config: JsonObject; preprocessorConfig: JsonObject } {
  const real = realClipConfigs().config;
  const config = dropNames(cloneJson(real));
  const projection = num(real, 'projection_dim') / TEXT_WIDTH_DIVISOR;
  config.projection_dim = projection;
  const text = shrinkTextConfig(real.text_config as JsonObject, vocabSize);
  text.projection_dim = projection;
  config.text_config = text;
  const realVision = real.vision_config as JsonObject;
  const vision = dropNames(cloneJson(realVision));
  vision.hidden_size = num(realVision, 'hidden_size') / TEXT_WIDTH_DIVISOR;
  vision.intermediate_size = num(realVision, 'intermediate_size') / TEXT_WIDTH_DIVISOR;
  vision.num_hidden_layers = Math.ceil(num(realVision, 'num_hidden_layers') / CLIP_VISION_DEPTH_DIVISOR);
  vision.image_size = CLIP_IMAGE_SIZE;
  vision.projection_dim = projection;
  config.vision_config = vision;
  const preprocessorConfig = cloneJson(realClipConfigs().preprocessorConfig);
  preprocessorConfig.crop_size = CLIP_IMAGE_SIZE;
  preprocessorConfig.size = CLIP_IMAGE_SIZE;
  return { config, preprocessorConfig };
}

/** The CLIP tokenizer files' configs of the scoring model (real, minus the source path). */
export function clipTokenizerConfigs(): { config: JsonObject; specialTokensMap: JsonObject } {
  return {
    config: dropNames(cloneJson(realClipConfigs().tokenizerConfig)),
    specialTokensMap: cloneJson(realClipConfigs().specialTokensMap),
  };
}

/*
 * Writes the demo folders: diffusers pipelines (model_index.json, scheduler/, unet/, vae/,
 * text_encoder[_2]/, tokenizer[_2]/), the scoring CLIPModel folder and the aesthetic MLP, with
 * deterministic random F32 weights.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '../fs/atomic-file.js';
import { configText, type JsonObject } from './json.js';
import { Xoshiro128 } from './prng.js';
import { safetensorsChunks, type F32Tensor } from './safetensors-writer.js';
import {
  aestheticStateDict,
  clipModelStateDict,
  clipTextStateDict,
  unetStateDict,
  vaeStateDict,
  type TensorSpec,
} from './state-dict/index.js';
import { tinyPickScoreConfigs } from './pickscore-configs.js';
import { clipTokenizerConfigs, tinyClipConfigs, tinyModelConfigs, type DemoModelKey } from './tiny-configs.js';
import { mergesText, vocabJson, type DemoVocabulary } from './tokenizer-builder.js';

/** Mean of the demo aesthetic scores (the real predictor's scale: typical photos score 4-7). */
export const DEMO_AESTHETIC_BIAS = 5;

/** Fills every tensor of a layout; each tensor draws from its own stream, seeded by `namespace` + name. */
export function materialize(specs: readonly TensorSpec[], namespace: string): Map<string, F32Tensor> {
  const out = new Map<string, F32Tensor>();
  for (const spec of specs) {
    const numel = spec.shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(numel);
    if (spec.init.kind === 'const') {
      if (spec.init.value !== 0) data.fill(spec.init.value);
    } else {
      new Xoshiro128(`${namespace}/${spec.name}`).fillNormal(data, spec.init.std);
    }
    out.set(spec.name, { shape: spec.shape, data });
  }
  return out;
}

async function writeJson(file: string, value: JsonObject): Promise<void> {
  await writeFileAtomic(file, configText(value));
}

async function writeWeights(file: string, specs: readonly TensorSpec[], namespace: string): Promise<void> {
  await writeFileAtomic(file, safetensorsChunks(materialize(specs, namespace)));
}

interface TokenizerJsons {
  config: JsonObject;
  specialTokensMap: JsonObject;
}

async function writeTokenizer(dir: string, vocabulary: DemoVocabulary, configs: TokenizerJsons): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFileAtomic(path.join(dir, 'vocab.json'), vocabJson(vocabulary));
  await writeFileAtomic(path.join(dir, 'merges.txt'), mergesText(vocabulary));
  await writeJson(path.join(dir, 'tokenizer_config.json'), configs.config);
  await writeJson(path.join(dir, 'special_tokens_map.json'), configs.specialTokensMap);
}

/** Writes a complete diffusers folder for demo model `key` into `dir` (which must exist). */
export async function writeDemoModel(key: DemoModelKey, dir: string, vocabulary: DemoVocabulary): Promise<void> {
  const cfg = tinyModelConfigs(key, vocabulary.vocab.size);
  const ns = `ppbench-demo/${key}`;
  await writeJson(path.join(dir, 'model_index.json'), cfg.modelIndex);

  await mkdir(path.join(dir, 'scheduler'));
  await writeJson(path.join(dir, 'scheduler', 'scheduler_config.json'), cfg.scheduler);

  await mkdir(path.join(dir, 'unet'));
  await writeJson(path.join(dir, 'unet', 'config.json'), cfg.unet);
  await writeWeights(path.join(dir, 'unet', 'diffusion_pytorch_model.safetensors'), unetStateDict(cfg.unet), `${ns}/unet`);

  await mkdir(path.join(dir, 'vae'));
  await writeJson(path.join(dir, 'vae', 'config.json'), cfg.vae);
  await writeWeights(path.join(dir, 'vae', 'diffusion_pytorch_model.safetensors'), vaeStateDict(cfg.vae), `${ns}/vae`);

  for (let k = 0; k < cfg.textEncoders.length; k++) {
    const name = k === 0 ? 'text_encoder' : `text_encoder_${k + 1}`;
    const config = cfg.textEncoders[k]!;
    await mkdir(path.join(dir, name));
    await writeJson(path.join(dir, name, 'config.json'), config);
    await writeWeights(path.join(dir, name, 'model.safetensors'), clipTextStateDict(config), `${ns}/${name}`);
  }
  for (let k = 0; k < cfg.tokenizers.length; k++) {
    await writeTokenizer(path.join(dir, k === 0 ? 'tokenizer' : `tokenizer_${k + 1}`), vocabulary, cfg.tokenizers[k]!);
  }
}

/** Writes the scoring CLIPModel folder (config, preprocessor config, tokenizer files, weights) into `dir`. */
export async function writeDemoClip(dir: string, vocabulary: DemoVocabulary): Promise<void> {
  const { config, preprocessorConfig } = tinyClipConfigs(vocabulary.vocab.size);
  await writeJson(path.join(dir, 'config.json'), config);
  await writeJson(path.join(dir, 'preprocessor_config.json'), preprocessorConfig);
  await writeTokenizer(dir, vocabulary, clipTokenizerConfigs());
  await writeWeights(path.join(dir, 'model.safetensors'), clipModelStateDict(config), 'ppbench-demo/clip');
}

/**
 * The demo PickScore: the CLIPModel (config.json, model.safetensors) in `dir`, its processor
 * (preprocessor config and tokenizer files) in `dir/processor`, a separate folder as on the Hub.
 */
export async function writeDemoPickScore(dir: string, vocabulary: DemoVocabulary): Promise<void> {
  const { config, preprocessorConfig, tokenizer } = tinyPickScoreConfigs(vocabulary.vocab.size);
  await writeJson(path.join(dir, 'config.json'), config);
  await writeWeights(path.join(dir, 'model.safetensors'), clipModelStateDict(config), 'ppbench-demo/pickscore');
  const processor = path.join(dir, 'processor');
  await writeTokenizer(processor, vocabulary, tokenizer);
  await writeJson(path.join(processor, 'preprocessor_config.json'), preprocessorConfig);
}

/** The aesthetic MLP (`dir/model.safetensors`) for CLIP embeddings of width `inputDim`. */
export async function writeDemoAesthetic(dir: string, inputDim: number): Promise<void> {
  await writeWeights(path.join(dir, 'model.safetensors'), aestheticStateDict(inputDim, DEMO_AESTHETIC_BIAS), 'ppbench-demo/aesthetic');
  await writeJson(path.join(dir, 'config.json'), {
    module: 'improved-aesthetic-predictor MLP (linearMSE, no activations), demo weights',
    input_size: inputDim,
    layers: [
      '0: Linear(in,1024)',
      '1: Dropout(0.2)',
      '2: Linear(1024,128)',
      '3: Dropout(0.2)',
      '4: Linear(128,64)',
      '5: Dropout(0.1)',
      '6: Linear(64,16)',
      '7: Linear(16,1)',
    ],
    note: 'real model: input_size 768 (CLIP ViT-L/14 image embeds); demo: input_size = demo CLIP projection_dim',
  });
}

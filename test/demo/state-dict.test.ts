import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../../src/demo/json.js';
import { REAL_CONFIG_MODELS, REAL_MODEL_CONFIG_FILES, realClipConfigs, realModelConfigs } from '../../src/demo/real-configs.js';
import {
  aestheticStateDict,
  clipModelStateDict,
  clipTextStateDict,
  countElements,
  unetStateDict,
  vaeStateDict,
  type TensorSpec,
} from '../../src/demo/state-dict/index.js';
import { fixturesDir, specDir } from '../helpers/shared.js';

interface Manifest {
  num_tensors: number;
  num_elements: number;
  keys: Record<string, number[]>;
  optional_keys?: Record<string, number[]>;
}

const readJson = <T>(file: string): T => JSON.parse(readFileSync(file, 'utf8')) as T;
const manifest = (rel: string): Manifest => readJson<Manifest>(path.join(specDir(), 'manifests', rel));
const asMap = (specs: TensorSpec[]): Record<string, number[]> => Object.fromEntries(specs.map((s) => [s.name, s.shape]));

function expectLayout(specs: TensorSpec[], m: Manifest): void {
  const names = specs.map((s) => s.name);
  expect(new Set(names).size).toBe(names.length); // no duplicates
  expect(asMap(specs)).toEqual(m.keys);
  expect(specs.length).toBe(m.num_tensors);
  expect(countElements(specs)).toBe(m.num_elements);
}

const MODELS = REAL_CONFIG_MODELS;

describe('embedded real configs', () => {
  it.each(MODELS)('%s: every config equals spec/configs', (model) => {
    const real = realModelConfigs(model) as unknown as Record<string, JsonObject | undefined>;
    for (const [field, rel] of Object.entries(REAL_MODEL_CONFIG_FILES)) {
      const file = path.join(specDir(), 'configs', model, rel);
      let onDisk: unknown;
      try {
        onDisk = readJson(file);
      } catch {
        onDisk = undefined;
      }
      expect(real[field], `${model} ${field}`).toEqual(onDisk);
    }
  });

  it('scoring CLIP configs equal spec/configs/clip-vit-l14', () => {
    const dir = path.join(specDir(), 'configs', 'clip-vit-l14');
    expect(realClipConfigs().config).toEqual(readJson(path.join(dir, 'config.json')));
    expect(realClipConfigs().preprocessorConfig).toEqual(readJson(path.join(dir, 'preprocessor_config.json')));
    expect(realClipConfigs().tokenizerConfig).toEqual(readJson(path.join(dir, 'tokenizer_config.json')));
    expect(realClipConfigs().specialTokensMap).toEqual(readJson(path.join(dir, 'special_tokens_map.json')));
  });
});

describe('state-dict enumerators reproduce the real manifests exactly', () => {
  it.each(MODELS)('%s unet', (model) => {
    expectLayout(unetStateDict(realModelConfigs(model).unet), manifest(`${model}/unet.json`));
  });

  it.each(MODELS)('%s vae (encoder + decoder, and the decoder subset)', (model) => {
    const m = manifest(`${model}/vae.json`);
    expectLayout(vaeStateDict(realModelConfigs(model).vae), m);
    const decoderOnly = vaeStateDict(realModelConfigs(model).vae, { encoder: false });
    const expected = Object.fromEntries(Object.entries(m.keys).filter(([k]) => !k.startsWith('encoder.') && !k.startsWith('quant_conv.')));
    expect(asMap(decoderOnly)).toEqual(expected);
  });

  it.each(MODELS)('%s text encoders', (model) => {
    const real = realModelConfigs(model);
    expectLayout(clipTextStateDict(real.textEncoder), manifest(`${model}/text_encoder.json`));
    if (real.textEncoder2) expectLayout(clipTextStateDict(real.textEncoder2), manifest(`${model}/text_encoder_2.json`));
  });

  it('clip-vit-l14 CLIPModel', () => {
    expectLayout(clipModelStateDict(realClipConfigs().config), manifest('clip-vit-l14/clip_model.json'));
  });

  it('aesthetic predictor (input 768)', () => {
    expectLayout(aestheticStateDict(768), manifest('aesthetic/improved_aesthetic_predictor.json'));
  });
});

describe('state-dict enumerators reproduce the tiny fixtures (shapes diffusers produced for small configs)', () => {
  const fixtures = ['sd15-tiny', 'sd21-tiny', 'sd-turbo-tiny', 'sdxl-tiny', 'sdxl-turbo-tiny', 'ssd1b-tiny', 'playground25-tiny'];
  function header(file: string): Record<string, number[]> {
    const buf = readFileSync(file);
    const n = Number(buf.readBigUInt64LE(0));
    const raw = JSON.parse(buf.subarray(8, 8 + n).toString('utf8')) as Record<string, { shape: number[] }>;
    delete raw.__metadata__;
    delete raw['text_model.embeddings.position_ids']; // legacy int64 buffer, not a parameter
    return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, v.shape]));
  }
  it.each(fixtures)('%s', (name) => {
    const dir = path.join(fixturesDir(), name);
    const cfg = (rel: string) => readJson<JsonObject>(path.join(dir, rel, 'config.json'));
    expect(asMap(unetStateDict(cfg('unet')))).toEqual(header(path.join(dir, 'unet', 'diffusion_pytorch_model.safetensors')));
    expect(asMap(vaeStateDict(cfg('vae')))).toEqual(header(path.join(dir, 'vae', 'diffusion_pytorch_model.safetensors')));
    for (const te of ['text_encoder', 'text_encoder_2']) {
      let config: JsonObject;
      try {
        config = cfg(te);
      } catch {
        continue;
      }
      expect(asMap(clipTextStateDict(config))).toEqual(header(path.join(dir, te, 'model.safetensors')));
    }
  });

  it('scoring tiny-clip and tiny-aesthetic', () => {
    const dir = path.join(fixturesDir(), 'scoring');
    const clip = readJson<JsonObject>(path.join(dir, 'tiny-clip', 'config.json'));
    const h = header(path.join(dir, 'tiny-clip', 'model.safetensors'));
    delete h['vision_model.embeddings.position_ids'];
    expect(asMap(clipModelStateDict(clip))).toEqual(h);
    expect(asMap(aestheticStateDict(clip.projection_dim as number))).toEqual(header(path.join(dir, 'tiny-aesthetic', 'model.safetensors')));
  });
});

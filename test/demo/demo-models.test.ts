import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoModelSettings, DEMO_MODEL_KEYS, ensureDemoModels, type DemoModels } from '../../src/demo/index.js';
import type { JsonObject } from '../../src/demo/json.js';
import { realModelConfigs } from '../../src/demo/real-configs.js';
import { aestheticStateDict, clipModelStateDict, clipTextStateDict, unetStateDict, vaeStateDict, type TensorSpec } from '../../src/demo/state-dict/index.js';
import { MODEL_REGISTRY } from '../../src/registry/models.js';
import { loadPickScorer } from '../../src/scoring/index.js';
import { ClipTokenizer, loadPipelineTokenizers } from '../../src/tokenizer/index.js';
import { loadLibraryReference } from '../tokenizer/hf-library-reference.js';
import { projectRoot } from '../helpers/shared.js';

/**
 * sha256 over every generated file (path + content). Pinned so that any change of the generated
 * bytes is deliberate: when it changes, bump DEMO_GENERATOR_VERSION (src/demo/index.ts) unless
 * the fingerprint already covers the change, and update this digest.
 */
const EXPECTED_TREE_DIGEST = '58cd4c4f5790dde7f23992ea9ac8aee9fbf8278c384dfb3423fade6375c51efd';

const readJson = <T = JsonObject>(file: string): T => JSON.parse(readFileSync(file, 'utf8')) as T;

function listFiles(dir: string, rel = ''): string[] {
  const out: string[] = [];
  for (const e of readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    const child = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...listFiles(dir, child));
    else out.push(child);
  }
  return out.sort();
}

function treeDigest(root: string): string {
  const h = createHash('sha256');
  for (const rel of listFiles(root)) {
    h.update(`${rel}\0`);
    h.update(createHash('sha256').update(readFileSync(path.join(root, rel))).digest());
  }
  return h.digest('hex');
}

interface HeaderEntry {
  dtype: string;
  shape: number[];
  data_offsets: [number, number];
}

function readSafetensors(file: string): { header: Record<string, HeaderEntry>; data: Buffer; headerLength: number } {
  const buf = readFileSync(file);
  const n = Number(buf.readBigUInt64LE(0));
  const raw = JSON.parse(buf.subarray(8, 8 + n).toString('utf8')) as Record<string, unknown>;
  delete raw.__metadata__;
  return { header: raw as Record<string, HeaderEntry>, data: buf.subarray(8 + n), headerLength: n };
}

function expectWeightsMatch(file: string, specs: TensorSpec[]): void {
  const { header, data, headerLength } = readSafetensors(file);
  expect(headerLength % 8).toBe(0);
  expect(Object.fromEntries(Object.entries(header).map(([k, v]) => [k, v.shape]))).toEqual(Object.fromEntries(specs.map((s) => [s.name, s.shape])));
  let end = 0;
  for (const [name, e] of Object.entries(header)) {
    expect(e.dtype, name).toBe('F32');
    const numel = e.shape.reduce((a, b) => a * b, 1);
    expect(e.data_offsets[1] - e.data_offsets[0], name).toBe(numel * 4);
    end = Math.max(end, e.data_offsets[1]);
  }
  expect(end).toBe(data.length);
  const values = new Float32Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.length));
  for (const v of values) if (!Number.isFinite(v)) throw new Error(`${file}: non-finite weight`);
}

let root: string;
let demo: DemoModels;
let firstMs = 0;

beforeAll(async () => {
  root = mkdtempSync(path.join(tmpdir(), 'ppbench-demo-'));
  const t0 = performance.now();
  demo = await ensureDemoModels(root);
  firstMs = performance.now() - t0;
});

afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('ensureDemoModels', () => {
  it('creates one folder per registry model plus clip, aesthetic and pickscore, quickly', () => {
    const registryKeys = MODEL_REGISTRY.generation.map((m) => m.key).sort();
    expect([...DEMO_MODEL_KEYS].sort()).toEqual(registryKeys);
    expect(Object.keys(demo.models).sort()).toEqual(registryKeys);
    expect(demo.generated).toHaveLength(DEMO_MODEL_KEYS.length + 3);
    console.log(`demo models generated in ${firstMs.toFixed(0)} ms`);
    expect(firstMs).toBeLessThan(30_000);
  });

  it('is deterministic: the same bytes in a second folder, and the pinned digest', async () => {
    const other = mkdtempSync(path.join(tmpdir(), 'ppbench-demo-'));
    try {
      await ensureDemoModels(other);
      const a = treeDigest(root);
      expect(treeDigest(other)).toBe(a);
      console.log(`demo tree digest ${a}`);
      expect(a).toBe(EXPECTED_TREE_DIGEST);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });

  it('is idempotent: a second call is fast and rewrites nothing', async () => {
    const file = path.join(demo.models['sdxl-base'], 'unet', 'diffusion_pytorch_model.safetensors');
    const before = statSync(file);
    const t0 = performance.now();
    const again = await ensureDemoModels(root);
    const ms = performance.now() - t0;
    expect(again.generated).toEqual([]);
    expect(again.models).toEqual(demo.models);
    expect(ms).toBeLessThan(1000);
    const after = statSync(file);
    expect(after.mtimeMs).toBe(before.mtimeMs);
    expect(after.ino).toBe(before.ino);
  });

  it('regenerates only a folder that lost a file or has a stale stamp', async () => {
    unlinkSync(path.join(demo.models.sd15, 'vae', 'diffusion_pytorch_model.safetensors'));
    const stamp = path.join(demo.models.ssd1b, '.ppbench-demo.json');
    writeFileSync(stamp, JSON.stringify({ ...readJson(stamp), version: -1 }));
    const digestBefore = treeDigest(demo.models.playground25);
    const again = await ensureDemoModels(root);
    expect(again.generated.sort()).toEqual([demo.models.sd15, demo.models.ssd1b].sort());
    expect(treeDigest(demo.models.playground25)).toBe(digestBefore);
    expect((await ensureDemoModels(root)).generated).toEqual([]);
  });

  it('concurrent calls on an empty folder both succeed and leave no temp folders', async () => {
    const other = mkdtempSync(path.join(tmpdir(), 'ppbench-demo-'));
    try {
      const [a, b] = await Promise.all([ensureDemoModels(other), ensureDemoModels(other)]);
      expect(a.models).toEqual(b.models);
      expect(readdirSync(other).sort()).toEqual([...DEMO_MODEL_KEYS, 'aesthetic', 'clip', 'pickscore'].sort());
      expect((await ensureDemoModels(other)).generated).toEqual([]);
      expect(treeDigest(other)).toBe(treeDigest(root));
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });
});

describe('demo model folders', () => {
  it.each(DEMO_MODEL_KEYS)('%s: configs keep the real structure and the weights match them', (key) => {
    const dir = demo.models[key];
    const real = realModelConfigs(key);
    const index = readJson(path.join(dir, 'model_index.json'));
    expect(index._class_name).toBe(real.modelIndex._class_name);
    for (const [component, entry] of Object.entries(index)) {
      if (!Array.isArray(entry) || entry[0] === null) continue;
      expect(statSync(path.join(dir, component)).isDirectory(), component).toBe(true);
      expect(entry).toEqual(real.modelIndex[component]);
    }

    // Scheduler: the real config, verbatim.
    expect(readJson(path.join(dir, 'scheduler', 'scheduler_config.json'))).toEqual(real.scheduler);

    const unet = readJson(path.join(dir, 'unet', 'config.json'));
    const structural = [
      'down_block_types',
      'up_block_types',
      'mid_block_type',
      'attention_head_dim',
      'use_linear_projection',
      'upcast_attention',
      'addition_embed_type',
      'layers_per_block',
      'time_embedding_type',
    ];
    for (const k of structural) {
      expect(unet[k], `unet ${k}`).toEqual(real.unet[k]);
    }
    const te = [readJson(path.join(dir, 'text_encoder', 'config.json'))];
    if (real.textEncoder2) te.push(readJson(path.join(dir, 'text_encoder_2', 'config.json')));
    expect(unet.cross_attention_dim).toBe(te.reduce((s, c) => s + (c.hidden_size as number), 0));
    if (unet.addition_embed_type === 'text_time') {
      expect(unet.projection_class_embeddings_input_dim).toBe((te[1]!.projection_dim as number) + 6 * (unet.addition_time_embed_dim as number));
    }
    const heads = unet.attention_head_dim as number | number[];
    (unet.block_out_channels as number[]).forEach((c, i) => {
      const h = typeof heads === 'number' ? heads : heads[i]!;
      expect(c % h, 'heads divide every width').toBe(0);
      expect(c % (unet.norm_num_groups as number)).toBe(0);
    });
    expectWeightsMatch(path.join(dir, 'unet', 'diffusion_pytorch_model.safetensors'), unetStateDict(unet));

    const vae = readJson(path.join(dir, 'vae', 'config.json'));
    for (const k of ['scaling_factor', 'latents_mean', 'latents_std', 'force_upcast', 'down_block_types', 'up_block_types', 'latent_channels']) {
      expect(vae[k], `vae ${k}`).toEqual(real.vae[k]);
    }
    expectWeightsMatch(path.join(dir, 'vae', 'diffusion_pytorch_model.safetensors'), vaeStateDict(vae));

    te.forEach((config, k) => {
      const realTe = (k === 0 ? real.textEncoder : real.textEncoder2)!;
      expect(config.architectures).toEqual(realTe.architectures);
      expect(config.hidden_act).toBe(realTe.hidden_act);
      expect(config.eos_token_id).toBe(realTe.eos_token_id);
      const folder = k === 0 ? 'text_encoder' : 'text_encoder_2';
      expectWeightsMatch(path.join(dir, folder, 'model.safetensors'), clipTextStateDict(config));
    });
  });

  it('keeps the defining details of each model', () => {
    const unet = (key: string) => readJson(path.join(demo.models[key as 'sd15'], 'unet', 'config.json'));
    const vae = (key: string) => readJson(path.join(demo.models[key as 'sd15'], 'vae', 'config.json'));
    const sched = (key: string) => readJson(path.join(demo.models[key as 'sd15'], 'scheduler', 'scheduler_config.json'));
    expect(unet('sd15').use_linear_projection).toBeUndefined(); // SD1: conv proj_in (key absent -> default false)
    expect(unet('sd21')).toMatchObject({ use_linear_projection: true, upcast_attention: true });
    expect(sched('sd21')).toMatchObject({ _class_name: 'DDIMScheduler', prediction_type: 'v_prediction' });
    expect(sched('sd15')).toMatchObject({ _class_name: 'PNDMScheduler', skip_prk_steps: true });
    expect(sched('sd-turbo').timestep_spacing).toBe('trailing');
    expect(sched('sdxl-turbo')).toMatchObject({ _class_name: 'EulerAncestralDiscreteScheduler', timestep_spacing: 'trailing' });
    expect(sched('sdxl-base').timestep_spacing).toBe('leading');
    expect(sched('playground25')._class_name).toBe('EDMDPMSolverMultistepScheduler');
    expect(vae('playground25')).toMatchObject({ scaling_factor: 0.5, latents_mean: [-1.6574, 1.886, -1.383, 2.5155] });
    expect(vae('sdxl-base').scaling_factor).toBe(0.13025);
    expect(vae('sd15').scaling_factor).toBeUndefined(); // absent -> 0.18215, as in the real repo
    expect(unet('sdxl-base').transformer_layers_per_block).toEqual([1, 2, 3]);
    expect(unet('ssd1b')).toMatchObject({
      mid_block_type: 'UNetMidBlock2D',
      transformer_layers_per_block: [1, 2, 2],
      reverse_transformer_layers_per_block: [[2, 2, 3], [2, 1, 1], 1],
    });
    const ssdKeys = unetStateDict(unet('ssd1b')).map((s) => s.name);
    expect(ssdKeys.some((k) => k.startsWith('mid_block.attentions'))).toBe(false);
    expect(ssdKeys).toContain('up_blocks.0.attentions.2.transformer_blocks.2.attn1.to_q.weight');
    expect(ssdKeys).not.toContain('up_blocks.0.attentions.0.transformer_blocks.2.attn1.to_q.weight');
    expect(ssdKeys).toContain('up_blocks.1.attentions.0.transformer_blocks.1.attn1.to_q.weight');
    expect(ssdKeys).not.toContain('up_blocks.1.attentions.1.transformer_blocks.1.attn1.to_q.weight');
  });

  it('clip and aesthetic: CLIPModel folder and MLP with input = projection_dim', () => {
    const config = readJson(path.join(demo.clip, 'config.json'));
    expect(config.architectures).toEqual(['CLIPModel']);
    const pre = readJson(path.join(demo.clip, 'preprocessor_config.json'));
    const vision = config.vision_config as JsonObject;
    expect(pre.crop_size).toBe(vision.image_size);
    expect(pre.size).toBe(vision.image_size);
    expectWeightsMatch(path.join(demo.clip, 'model.safetensors'), clipModelStateDict(config));
    const projection = config.projection_dim as number;
    expectWeightsMatch(demo.aesthetic, aestheticStateDict(projection));
  });

  it('pickscore: a CLIPModel shaped like PickScore_v1 (gelu, legacy eos 2 pooling, logit_scale 4.6052) with its processor in a separate folder; it scores', async () => {
    const config = readJson(path.join(demo.pickscore, 'config.json'));
    expect(config.architectures).toEqual(['CLIPModel']);
    expect(config.logit_scale_init_value).toBe(4.6052);
    expect((config.text_config as JsonObject).eos_token_id).toBe(2);
    expect((config.text_config as JsonObject).hidden_act).toBe('gelu');
    expect((config.vision_config as JsonObject).hidden_act).toBe('gelu');
    expectWeightsMatch(path.join(demo.pickscore, 'model.safetensors'), clipModelStateDict(config));
    expect(demo.pickscoreProcessor).toBe(path.join(demo.pickscore, 'processor'));
    expect(readJson(path.join(demo.pickscoreProcessor, 'special_tokens_map.json')).pad_token).toBe('!');
    const scorer = await loadPickScorer({ model: demo.pickscore, processor: demo.pickscoreProcessor });
    try {
      const side = 64;
      const image = { width: side, height: side, data: new Uint8Array(side * side * 3).map((_, i) => (i * 37) % 256) };
      const out = await scorer.score([image, { ...image, data: image.data.map((v) => 255 - v) }], ['a red apple', 'a lighthouse']);
      expect(out.pickScore.flat().every(Number.isFinite)).toBe(true);
      expect(out.pickProbs[0]![0]! + out.pickProbs[1]![0]!).toBeCloseTo(1, 9);
    } finally {
      await scorer.dispose();
    }
  });

  it('every tokenizer loads with the project tokenizer, agrees with @huggingface/tokenizers and covers the prompts', async () => {
    const prompts = readJson<{ prompts: Array<{ text: string }> }>(path.join(projectRoot, 'research', 'data', 'benchmark_prompts_v2.json')).prompts.map((p) => p.text);
    const texts = [...prompts, 'ugly, blurry, poor quality', 'Hello!! wörld 123 <|endoftext|> x', ''];
    const vocabSize = (readJson(path.join(demo.clip, 'config.json')).text_config as JsonObject).vocab_size;
    for (const dir of [...Object.values(demo.models), demo.clip]) {
      const tokenizers = dir === demo.clip ? [await ClipTokenizer.fromFolder(dir)] : await loadPipelineTokenizers(dir);
      const expectedCount = dir === demo.clip ? 1 : readJson(path.join(dir, 'model_index.json')).tokenizer_2 ? 2 : 1;
      expect(tokenizers).toHaveLength(expectedCount);
      for (const tok of tokenizers) {
        expect(tok.eosId).toBe((vocabSize as number) - 1); // transformers pools EOS by argmax when eos_token_id == 2
        expect(tok.bosId).toBe((vocabSize as number) - 2);
        const reference = loadLibraryReference(tok.dir);
        for (const text of texts) {
          expect(tok.tokenize(text), `${tok.dir}: ${text}`).toEqual(reference(text));
        }
        const ids = tok.encode(prompts[0]!);
        expect(ids[0]).toBe(tok.bosId);
        expect(ids).toHaveLength(77);
        expect(Math.max(...ids)).toBeLessThan(vocabSize as number);
      }
    }
    // Pad conventions of the real repos: "!" (id 0) for SD2's tokenizer and SDXL's tokenizer_2, EOS otherwise.
    expect((await ClipTokenizer.fromFolder(path.join(demo.models.sd21, 'tokenizer'))).padId).toBe(0);
    expect((await ClipTokenizer.fromFolder(path.join(demo.models['sdxl-base'], 'tokenizer_2'))).padId).toBe(0);
    const sd15 = await ClipTokenizer.fromFolder(path.join(demo.models.sd15, 'tokenizer'));
    expect(sd15.padId).toBe(sd15.eosId);
    // Benchmark words are mostly whole tokens, as with the real vocabulary.
    const words = prompts.join(' ').toLowerCase().match(/\p{L}+/gu)!;
    const single = words.filter((w) => sd15.tokenize(w).length === 1).length;
    expect(single / words.length).toBeGreaterThan(0.7);
  });

  it('demo settings: registry keys, 64×64, few steps, the registry scheduler and negative prompt', () => {
    for (const model of MODEL_REGISTRY.generation) {
      const s = demoModelSettings[model.key as keyof typeof demoModelSettings];
      expect(s, model.key).toBeDefined();
      expect(s.width).toBe(64);
      expect(s.height).toBe(64);
      expect(s.steps).toBeGreaterThanOrEqual(1);
      expect(s.steps).toBeLessThanOrEqual(4);
      expect(s.scheduler).toBe(model.defaults.scheduler);
      expect(s.guidance).toBe(model.defaults.guidance);
      expect(s.negativePrompt).toBe(model.defaults.negativePrompt);
    }
  });
});

describe('ensureDemoModels safety', () => {
  it('never replaces a folder it did not create (e.g. a real model of the same name)', async () => {
    const other = mkdtempSync(path.join(tmpdir(), 'ppbench-demo-'));
    try {
      const real = path.join(other, 'sd15');
      mkdirSync(real);
      writeFileSync(path.join(real, 'model_index.json'), '{"_class_name": "StableDiffusionPipeline"}');
      await expect(ensureDemoModels(other)).rejects.toThrow(/not made by the demo generator/);
      expect(readFileSync(path.join(real, 'model_index.json'), 'utf8')).toContain('StableDiffusionPipeline');
      expect(readdirSync(other)).toEqual(['sd15']);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });
});

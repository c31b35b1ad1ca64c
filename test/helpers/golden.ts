import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { NativeTensor } from '../../src/native/types.js';
import { afterAll } from 'vitest';
import { Pipeline, type GenerateOptions } from '../../src/pipeline/pipeline.js';
import { fixturesDir } from './shared.js';

export interface GoldenCase {
  name: string; // "<model>/<case>"
  file: string;
  dir: string;
  model: string;
  modelDir: string;
  json: {
    inputs: {
      prompt: string;
      prompt_2?: string | null;
      negative_prompt?: string | null;
      negative_prompt_2?: string | null;
      seed: number;
      steps: number;
      guidance_scale: number;
      guidance_rescale?: number;
      width: number;
      height: number;
    };
    scheduler: { class: string; override: Record<string, unknown> | null };
    init_latents: { file: string };
    ancestral_noise: { file: string; tensors: string[] } | null;
    tokens: Record<string, number[]>;
    tolerance: {
      text_embeddings_atol: number;
      step0_unet_output_atol: number;
      latents_final_atol: number;
      image_decoded_atol: number;
      image_uint8: { max_level_diff: number; min_fraction_within: number };
    };
    tensors: { file: string };
  };
  tensorsFile: string;
  latentsFile: string;
}

/** Every golden case of the fixtures (optionally of some models), sorted by name. */
export function goldenCases(models?: string[]): GoldenCase[] {
  const root = path.join(fixturesDir(), 'golden');
  return readdirSync(root)
    .filter((m) => !models || models.includes(m))
    .flatMap((model) =>
      readdirSync(path.join(root, model))
        .filter((f) => /^[^.]+\.json$/.test(f))
        .map((f) => {
          const file = path.join(root, model, f);
          const dir = path.dirname(file);
          const json = JSON.parse(readFileSync(file, 'utf8')) as GoldenCase['json'] & { model_dir: string };
          return {
            name: `${model}/${f.replace(/\.json$/, '')}`,
            file,
            dir,
            model,
            modelDir: path.resolve(dir, json.model_dir),
            json,
            tensorsFile: path.resolve(dir, json.tensors.file),
            latentsFile: path.resolve(dir, json.init_latents.file),
          };
        }),
    )
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** Loads each model folder once per test file (fp32 on the CPU); disposed after the file's tests. */
export function cpuPipelines(): (modelDir: string) => Promise<Pipeline> {
  const pipelines = new Map<string, Promise<Pipeline>>();
  afterAll(async () => {
    for (const p of pipelines.values()) await (await p).dispose();
  });
  return (modelDir) => {
    if (!pipelines.has(modelDir)) pipelines.set(modelDir, Pipeline.load({ modelDir, device: 'cpu', dtype: 'fp32' }));
    return pipelines.get(modelDir)!;
  };
}

/** The case inputs as library options; null and absent both mean "not given". */
export function caseOptions(c: GoldenCase): GenerateOptions {
  const i = c.json.inputs;
  const override = { ...(c.json.scheduler.override ?? {}) };
  delete override._class_name;
  return {
    prompt: i.prompt,
    ...(i.prompt_2 != null ? { prompt2: i.prompt_2 } : {}),
    ...(i.negative_prompt != null ? { negativePrompt: i.negative_prompt } : {}),
    ...(i.negative_prompt_2 != null ? { negativePrompt2: i.negative_prompt_2 } : {}),
    seed: i.seed,
    steps: i.steps,
    guidance: i.guidance_scale,
    ...(i.guidance_rescale != null ? { guidanceRescale: i.guidance_rescale } : {}),
    width: i.width,
    height: i.height,
    ...(c.json.scheduler.override ? { scheduler: c.json.scheduler.class, schedulerConfig: override } : {}),
  };
}

/** The same inputs as `ppbench generate` flags (README "Running a golden case through the CLI"). */
export function caseCliArgs(c: GoldenCase): string[] {
  const i = c.json.inputs;
  const args = ['--model', c.modelDir, '--prompt', i.prompt];
  if (i.prompt_2 != null) args.push('--prompt-2', i.prompt_2);
  if (i.negative_prompt != null) args.push('--negative-prompt', i.negative_prompt);
  if (i.negative_prompt_2 != null) args.push('--negative-prompt-2', i.negative_prompt_2);
  args.push('--seed', String(i.seed), '--steps', String(i.steps), '--guidance', String(i.guidance_scale));
  if (i.guidance_rescale != null) args.push('--guidance-rescale', String(i.guidance_rescale));
  args.push('--width', String(i.width), '--height', String(i.height));
  if (c.json.scheduler.override) {
    args.push('--scheduler', c.json.scheduler.class, '--scheduler-config', JSON.stringify(c.json.scheduler.override));
  }
  return args;
}

function asFloats(t: NativeTensor): Float64Array {
  if (t.data instanceof BigInt64Array) return Float64Array.from(t.data, Number);
  return Float64Array.from(t.data as ArrayLike<number>);
}

/** max |ours - golden| after checking shapes agree. */
export function maxAbsDiff(ours: NativeTensor, golden: NativeTensor): number {
  if (ours.shape.join(',') !== golden.shape.join(',')) {
    throw new Error(`shape mismatch: ours [${ours.shape}] vs golden [${golden.shape}]`);
  }
  const a = asFloats(ours);
  const b = asFloats(golden);
  let max = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    if (!(d <= max)) max = Number.isNaN(d) ? Infinity : d;
  }
  return max;
}

/** Fraction of uint8 values within `levels` of the golden, and the largest difference. */
export function uint8Agreement(ours: Uint8Array, golden: Uint8Array, levels: number): { within: number; maxDiff: number } {
  if (ours.length !== golden.length) throw new Error(`length mismatch: ${ours.length} vs ${golden.length}`);
  let ok = 0;
  let maxDiff = 0;
  for (let i = 0; i < ours.length; i++) {
    const d = Math.abs(ours[i]! - golden[i]!);
    if (d <= levels) ok++;
    maxDiff = Math.max(maxDiff, d);
  }
  return { within: ok / ours.length, maxDiff };
}

export function tokenIds(c: GoldenCase, kind: 'prompt' | 'negative'): Int32Array[] | undefined {
  const out: Int32Array[] = [];
  for (let k = 0; c.json.tokens[`${kind}.${k}`]; k++) out.push(Int32Array.from(c.json.tokens[`${kind}.${k}`]!));
  return out.length ? out : undefined;
}

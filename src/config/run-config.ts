import { z } from 'zod';
import { promptIdSchema } from './prompts.js';
import { imageSettingsSchema, modelKeySchema } from '../registry/model-entry.js';
import { knownModelKeys } from '../registry/lookup.js';
import { didYouMean } from './did-you-mean.js';

const sourceOverride = {
  repo: z.string().min(1).optional(),
  revision: z.string().min(1).optional(),
  /** A local diffusers folder, relative to the config file. */
  path: z.string().min(1).optional(),
};

/**
 * Per-model overrides of the registry defaults. An absent key keeps the model card's value;
 * `negativePrompt: null` removes the default negative prompt; `""` asks for an empty one.
 */
const modelRunSchema = z
  .object({ key: modelKeySchema, ...sourceOverride, ...imageSettingsSchema.partial().shape })
  .strict();
export type ModelRunConfig = z.infer<typeof modelRunSchema>;

/** `"sd15"` is shorthand for `{ "key": "sd15" }`. */
const modelItemSchema = z.preprocess((v) => (typeof v === 'string' ? { key: v } : v), modelRunSchema);

const leaseSchema = z
  .object({
    /** Default: on for a GPU device, off on CPU (nothing to share). */
    enabled: z.boolean().optional(),
    /** status.json; default GPU_COORD_PATH or the lease library's own default. */
    path: z.string().min(1).optional(),
    pollMs: z.number().int().positive().optional(),
    heartbeatMs: z.number().int().positive().optional(),
    staleMs: z.number().int().positive().optional(),
    maxWaitMs: z.number().int().positive().optional(),
    maxHoldMs: z.number().int().positive().optional(),
  })
  .strict();

const scoringSchema = z
  .object({
    enabled: z.boolean().default(true),
    batchSize: z.number().int().min(1).max(256).default(8),
    /** CLIP + aesthetic precision; fp32 by default on every device, so scores compare across runs. */
    dtype: z.enum(['fp16', 'bf16', 'fp32']).default('fp32'),
    clip: z.object(sourceOverride).strict().optional(),
    /**
     * false: CLIP score only. `{path}`: custom aesthetic weights (.pth or .safetensors), used as given and
     * recorded with their sha256; absent: the registry's LAION file, checked by its sha256.
     */
    aesthetic: z.union([z.literal(false), z.object({ path: sourceOverride.path }).strict()]).optional(),
    /** PickScore_v1 (stored as metric `pickscore`): off unless asked for; research/configs turn it on. */
    pickscore: z.boolean().default(false),
  })
  .strict();

const promptsSchema = z
  .object({
    /** Relative to the config file; default research/data/benchmark_prompts_v2.json. */
    file: z.string().min(1).optional(),
    ids: z.array(promptIdSchema).min(1).optional(),
    categories: z.array(z.string().min(1)).min(1).optional(),
    first: z.number().int().positive().optional(),
    /** N prompts of every category (the first N of each, in file order), after ids and categories. */
    perCategory: z.number().int().positive().optional(),
  })
  .strict();

const deviceSchema = z
  .string()
  .regex(/^(cpu|cuda(:\d+)?)$/, 'must be "cpu", "cuda" or "cuda:<index>"');

export const isGpuDevice = (device: string): boolean => device.startsWith('cuda');

/**
 * A demo run: the tiny random-weight stand-ins of src/demo instead of the registry's weights
 * (`npm run bench` without weights, `--demo`). Each model is read from `<dir>/<key>` and recorded
 * as repo `ppbench-demo/<key>` at a revision naming the demo generator's fingerprint; the demo
 * model card's settings replace the registry's; scoring uses the demo CLIP and aesthetic MLP.
 */
const demoSchema = z
  .object({
    /** Where the demo models are built; default $PPBENCH_DEMO_DIR, else research/models/.demo. */
    dir: z.string().min(1).optional(),
  })
  .strict();

const runConfigObject = z
  .object({
    description: z.string().optional(),
    /** `native`: the libtorch addon. `fake`: deterministic images from the seed, for tests and overhead measurements. */
    engine: z.enum(['native', 'fake']).default('native'),
    fake: z.object({ msPerStep: z.number().min(0).default(0) }).strict().default({ msPerStep: 0 }),
    models: z.array(modelItemSchema).min(1, 'must name at least one model'),
    prompts: promptsSchema.default({}),
    seedsPerPrompt: z.number().int().min(1).max(1000).default(4),
    /** Relative to the config file. `--results-dir` and PPBENCH_RESULTS_DIR win over it. */
    resultsDir: z.string().min(1).optional(),
    device: deviceSchema.default('cuda'),
    dtype: z.enum(['fp16', 'bf16', 'fp32']).optional(),
    /**
     * CPU threads of the engine (libtorch intra-op); default: libtorch's own (one per core). On a
     * shared machine 1 avoids OpenMP spin-waits against other processes (2-3x faster when busy).
     * Not part of the run identity, so shards on machines with other core counts still merge.
     */
    threads: z.number().int().min(1).max(1024).optional(),
    /**
     * Replay each denoising step from a CUDA graph: 'auto' (the engine's default) = on for CUDA, off
     * elsewhere; 'on' falls back to eager with the reason where capture fails; 'off' = eager. Not
     * part of the run identity (the images are the same within the dtype's tolerance).
     */
    cudaGraphs: z.enum(['auto', 'on', 'off']).optional(),
    /** Pause after each image so the backend finds the GPU free; default 500 on GPU, 0 on CPU. */
    calmPauseMs: z.number().int().min(0).max(60_000).optional(),
    lease: leaseSchema.default({}),
    /** How often one image may be preempted by the backend in one session before it waits for a resume. */
    retries: z.object({ preempted: z.number().int().min(0).max(1000).default(5) }).strict().default({ preempted: 5 }),
    scoring: scoringSchema.default({ enabled: true, batchSize: 8, dtype: 'fp32', pickscore: false }),
    demo: demoSchema.optional(),
  })
  .strict();

/** The keys an object of the config may have at a path (for "did you mean" on a typo). */
export function configKeysAt(at: readonly PropertyKey[]): string[] {
  const [first, second] = at;
  const shapes: Record<string, object> = { prompts: promptsSchema.shape, scoring: scoringSchema.shape, lease: leaseSchema.shape, demo: demoSchema.shape };
  if (at.length === 0) return Object.keys(runConfigObject.shape);
  if (first === 'models' && typeof second === 'number' && at.length === 2) return Object.keys(modelRunSchema.shape);
  if (typeof first === 'string' && at.length === 1 && shapes[first]) return Object.keys(shapes[first]);
  return [];
}

export const runConfigSchema = runConfigObject
  .superRefine((c, ctx) => {
    const known = new Set(knownModelKeys());
    const seen = new Set<string>();
    c.models.forEach((m, i) => {
      if (!known.has(m.key)) {
        ctx.addIssue({ code: 'custom', path: ['models', i, 'key'], message: `unknown model "${m.key}"${didYouMean(m.key, [...known])} (known: ${[...known].join(', ')})` });
      }
      if (seen.has(m.key)) ctx.addIssue({ code: 'custom', path: ['models', i, 'key'], message: `model "${m.key}" is listed twice` });
      seen.add(m.key);
      if (c.demo) {
        for (const field of ['repo', 'revision', 'path'] as const) {
          if (m[field] !== undefined) {
            ctx.addIssue({ code: 'custom', path: ['models', i, field], message: 'a demo run reads the demo models; drop it (or drop "demo" to use real weights)' });
          }
        }
      }
    });
    if (c.demo) {
      if (c.engine !== 'native') ctx.addIssue({ code: 'custom', path: ['engine'], message: 'a demo run needs the native engine (the demo models are real model folders)' });
      if (c.scoring.clip) ctx.addIssue({ code: 'custom', path: ['scoring', 'clip'], message: 'a demo run scores with the demo CLIP; drop it' });
      if (c.scoring.aesthetic) ctx.addIssue({ code: 'custom', path: ['scoring', 'aesthetic'], message: 'a demo run scores with the demo aesthetic MLP; drop it (or set it to false)' });
    }
  })
  .transform((c) => {
    // Device-dependent defaults are filled in here, so the stored config is complete and re-parses to itself.
    const gpu = isGpuDevice(c.device);
    return {
      ...c,
      dtype: c.dtype ?? (gpu ? 'fp16' : 'fp32'),
      calmPauseMs: c.calmPauseMs ?? (gpu ? 500 : 0),
      lease: { ...c.lease, enabled: c.lease.enabled ?? gpu },
    };
  });

export type RunConfigInput = z.input<typeof runConfigSchema>;
export type RunConfig = z.output<typeof runConfigSchema>;

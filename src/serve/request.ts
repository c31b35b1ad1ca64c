import { randomInt } from 'node:crypto';
import { z } from 'zod';
import type { GenerateOptions } from '../pipeline/pipeline.js';
import type { ImageSettings } from '../registry/model-entry.js';
import { ServeError } from './errors.js';

/** Limits of one request. Sizes: multiples of 8 (the VAE's factor), at most 2048 px a side. */
export const GENERATE_LIMITS = {
  maxSteps: 150,
  minSize: 64,
  maxSize: 2048,
  maxGuidance: 50,
  /** Default prompt length limit in characters (CLIP reads 77 tokens; longer prompts are truncated). */
  maxPromptLength: 2000,
  /** Seeds are torch generator seeds; larger values would not survive JSON as exact integers. */
  maxSeed: Number.MAX_SAFE_INTEGER,
} as const;

const size = z
  .number()
  .int()
  .min(GENERATE_LIMITS.minSize)
  .max(GENERATE_LIMITS.maxSize)
  .refine((v) => v % 8 === 0, { message: 'must be a multiple of 8' });

/**
 * The body of `POST /generate`. Unknown keys are errors (a misspelt `negative_prompt` must not
 * be silently ignored). An absent `negativePrompt` and `""` stay distinct: for the SDXL family,
 * absent means zero unconditional embeddings, `""` an encoded empty prompt (as in diffusers).
 */
export function generateRequestSchema(maxPromptLength: number = GENERATE_LIMITS.maxPromptLength) {
  const text = (min: number) => z.string().min(min).max(maxPromptLength);
  return z
    .object({
      model: z.string().min(1).max(64),
      prompt: text(1),
      /** Second text encoder's prompt (SDXL family); absent or "" = `prompt`. */
      prompt2: text(0).optional(),
      negativePrompt: text(0).optional(),
      negativePrompt2: text(0).optional(),
      /** Absent: a random 32-bit seed, returned in `x-ppbench-seed`. */
      seed: z.number().int().min(0).max(GENERATE_LIMITS.maxSeed).optional(),
      steps: z.number().int().min(1).max(GENERATE_LIMITS.maxSteps).optional(),
      guidance: z.number().min(0).max(GENERATE_LIMITS.maxGuidance).optional(),
      guidanceRescale: z.number().min(0).max(1).optional(),
      width: size.optional(),
      height: size.optional(),
      /** A diffusers scheduler class name (e.g. EulerDiscreteScheduler); default: the model's. */
      scheduler: z
        .string()
        .regex(/^[A-Za-z][A-Za-z0-9]{0,63}$/, 'must be a diffusers scheduler class name such as EulerDiscreteScheduler')
        .optional(),
    })
    .strict();
}

export type GenerateRequest = z.infer<ReturnType<typeof generateRequestSchema>>;

export interface FieldIssue {
  field: string;
  message: string;
}

function issueField(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') return issue.keys.join(', ');
  let out = '';
  for (const part of issue.path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out === '' ? '(body)' : out;
}

/** Parses a request body; a failure is a 400 whose message and `issues` name each bad field. */
export function parseGenerateRequest(body: unknown, maxPromptLength?: number): GenerateRequest {
  const parsed = generateRequestSchema(maxPromptLength).safeParse(body);
  if (parsed.success) return parsed.data;
  const issues: FieldIssue[] = parsed.error.issues.map((issue) => ({ field: issueField(issue), message: issue.message }));
  const message = `invalid request body: ${issues.map((i) => `${i.field}: ${i.message}`).join('; ')}`;
  throw new ServeError(400, 'ERR_VALIDATION', message, { issues });
}

/** What a model generates with when the request leaves a setting out. */
export type ModelDefaults = Partial<Omit<ImageSettings, 'negativePrompt'>>;

/** Without registry or demo defaults: the CLI's (`ppbench generate`), at the model's native size. */
export const FALLBACK_DEFAULTS = { steps: 25, guidance: 7.5 } as const;

export interface ResolvedSettings {
  seed: number;
  steps: number;
  guidance: number;
  width: number;
  height: number;
  /** undefined = the model's own scheduler. */
  scheduler?: string;
}

/**
 * Request values, then the model's defaults (registry or demo settings), then the CLI's
 * fallbacks at the pipeline's native size. The negative prompt is never defaulted: what the
 * client sent (or did not send) is what the engine sees.
 */
export function resolveSettings(request: GenerateRequest, defaults: ModelDefaults, nativeSize: number): ResolvedSettings {
  const scheduler = request.scheduler ?? defaults.scheduler;
  return {
    seed: request.seed ?? randomInt(0, 2 ** 32),
    steps: request.steps ?? defaults.steps ?? FALLBACK_DEFAULTS.steps,
    guidance: request.guidance ?? defaults.guidance ?? FALLBACK_DEFAULTS.guidance,
    width: request.width ?? defaults.width ?? nativeSize,
    height: request.height ?? defaults.height ?? nativeSize,
    ...(scheduler !== undefined ? { scheduler } : {}),
  };
}

/** What the pipeline is asked: an absent negative prompt stays absent, "" stays "". */
export function pipelineOptions(request: GenerateRequest, settings: ResolvedSettings, signal: AbortSignal): GenerateOptions {
  return {
    prompt: request.prompt,
    ...(request.prompt2 !== undefined ? { prompt2: request.prompt2 } : {}),
    ...(request.negativePrompt !== undefined ? { negativePrompt: request.negativePrompt } : {}),
    ...(request.negativePrompt2 !== undefined ? { negativePrompt2: request.negativePrompt2 } : {}),
    seed: settings.seed,
    steps: settings.steps,
    guidance: settings.guidance,
    ...(request.guidanceRescale !== undefined ? { guidanceRescale: request.guidanceRescale } : {}),
    width: settings.width,
    height: settings.height,
    ...(settings.scheduler !== undefined ? { scheduler: settings.scheduler } : {}),
    signal,
  };
}

import { z } from 'zod';
import type { LeaseOptions } from '../lease/index.js';
import { ServeError } from './errors.js';
import type { PipelineLoader, ServeModel } from './model-pool.js';
import { GENERATE_LIMITS } from './request.js';

/** A server's default cost caps per request (issue #19, finding 5): SDXL at its native size, 100 steps. */
export const SERVE_DEFAULT_LIMITS = { maxPixels: 1024 * 1024, maxSteps: 100 } as const;

/** Lease settings of the backend side (LEASE.md "Timing defaults"); `signal` and `label` are per request. */
export type ServeLeaseOptions = Omit<LeaseOptions, 'signal' | 'label'>;

export interface ServeOptions {
  /** Served models by key: a diffusers folder, or a folder with default settings. */
  models: Record<string, string | ServeModel>;
  /** Default 127.0.0.1: the server is meant to sit behind the product's own front. */
  host?: string;
  /** Default 8080; 0 = any free port (see `listen()`'s answer). */
  port?: number;
  device?: string;
  dtype?: 'fp32' | 'fp16' | 'bf16';
  /**
   * The backend lease. `maxWaitMs` bounds how long a request waits for a running benchmark to
   * yield before it proceeds anyway (recorded as an overlap). `handleSignals` (the library's
   * default: true) releases held leases on SIGINT/SIGTERM and aborts their generations; a
   * process that shuts down through `close()` on its own signal handlers (`ppbench serve`)
   * passes false so that in-flight requests can finish.
   */
  lease?: ServeLeaseOptions;
  /** Largest accepted request body in bytes (default 64 KiB). */
  bodyLimit?: number;
  /** Prompt length limit in characters (default 2000). */
  maxPromptLength?: number;
  /** Generations admitted at once, queued ones included; more answer 503 ERR_BUSY (default 16). */
  maxInflight?: number;
  /** close(): how long in-flight generations may run on before they are aborted (default 30 s). */
  shutdownGraceMs?: number;
  /** Largest width × height a request may ask for, model defaults included (default 1024², SDXL's native size). */
  maxPixels?: number;
  /** Most denoising steps a request may ask for, model defaults included (default 100). */
  maxSteps?: number;
  /** /healthz and /gpu-status show model folders, the lease file, hosts, pids and raw errors (default false). */
  exposeDetails?: boolean;
  /** Fastify's logger (pino): false (default) or e.g. `{ level: 'info', stream: process.stderr }`. */
  logger?: boolean | { level?: string; stream?: NodeJS.WritableStream };
  /** How pipelines are loaded (default: `Pipeline.load`, the native engine). */
  loadPipeline?: PipelineLoader;
}

const optionsSchema = z
  .object({
    models: z.record(z.string().min(1).max(64), z.union([z.string().min(1), z.object({ dir: z.string().min(1), defaults: z.any().optional() })])),
    host: z.string().min(1).default('127.0.0.1'),
    port: z.number().int().min(0).max(65535).default(8080),
    device: z.string().min(1).default('cpu'),
    dtype: z.enum(['fp32', 'fp16', 'bf16']).default('fp32'),
    lease: z.record(z.string(), z.unknown()).default({}),
    bodyLimit: z.number().int().min(1024).max(16 << 20).default(64 << 10),
    maxPromptLength: z.number().int().min(1).max(100_000).default(GENERATE_LIMITS.maxPromptLength),
    maxInflight: z.number().int().min(1).max(10_000).default(16),
    shutdownGraceMs: z.number().int().min(0).default(30_000),
    maxPixels: z.number().int().min(GENERATE_LIMITS.minSize ** 2).max(GENERATE_LIMITS.maxSize ** 2).default(SERVE_DEFAULT_LIMITS.maxPixels),
    maxSteps: z.number().int().min(1).max(GENERATE_LIMITS.maxSteps).default(SERVE_DEFAULT_LIMITS.maxSteps),
    exposeDetails: z.boolean().default(false),
    logger: z.any().optional(),
    loadPipeline: z.custom<PipelineLoader>((v) => typeof v === 'function').optional(),
  })
  .strict()
  .refine((o) => Object.keys(o.models).length > 0, { message: 'at least one model is needed', path: ['models'] });

export type ParsedServeOptions = z.infer<typeof optionsSchema>;

/** Checks the options up front: one error listing every bad field. */
export function parseServeOptions(options: ServeOptions): ParsedServeOptions {
  const parsed = optionsSchema.safeParse(options);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(options)'}: ${i.message}`).join('; ');
    throw new ServeError(500, 'ERR_SERVE_OPTIONS', `invalid server options: ${problems}`);
  }
  return parsed.data;
}

import type { FastifyInstance } from 'fastify';
import type { GpuStatus } from '../lease/index.js';
import type { ModelState } from './model-pool.js';
import type { ResolvedSettings } from './request.js';

/** The answer of one generation: a PNG and where the time went. */
export interface GeneratedPng {
  png: Buffer;
  model: string;
  settings: ResolvedSettings;
  width: number;
  height: number;
  /** How long acquiring the backend lease took (waiting for a benchmark to yield). */
  leaseWaitMs: number;
  /** The bounded wait ran out while a benchmark still held the GPU (recorded as a lease event). */
  overlap: boolean;
  /** Waiting for the pipeline's load (this request's or a concurrent one's); 0 when it was loaded. */
  loadMs: number;
  /** Queued behind other requests for the same model. */
  queueMs: number;
  /** pipeline.generate, wall time (tokenize + engine). */
  generateMs: number;
  /** The engine's own total. */
  engineMs: number;
  /** PNG encoding, after the lease was released. */
  encodeMs: number;
  totalMs: number;
  truncatedPrompts: string[];
}

export interface ServerHealth {
  ok: boolean;
  status: 'ok' | 'closing';
  device: string;
  dtype: string;
  /** Keys of the models whose pipeline is loaded. */
  loaded: string[];
  models: ModelState[];
  inflight: number;
  gpuCoordPath: string;
  uptimeMs: number;
}

export interface PpbenchServer {
  /** The Fastify instance: add routes or hooks before `listen()`, or `inject()` in tests. */
  readonly app: FastifyInstance;
  /** Binds host:port; resolves with the URL (the real port when 0 was asked for). */
  listen(): Promise<string>;
  /** Generation without HTTP, for a backend with its own front (same lease, same pool). */
  generate(body: unknown, options?: { signal?: AbortSignal }): Promise<GeneratedPng>;
  /** Loads a model's pipeline now (inside a backend lease: loading weights is GPU work). */
  preload(model: string): Promise<void>;
  gpuStatus(): Promise<GpuStatus>;
  health(): ServerHealth;
  /**
   * Stops accepting requests, lets in-flight generations finish for `graceMs` (default
   * shutdownGraceMs) and aborts them after that (they answer 503 ERR_SHUTTING_DOWN and their
   * leases are released), then disposes the pipelines. Idempotent; a second call with
   * `graceMs: 0` aborts at once.
   */
  close(options?: { graceMs?: number }): Promise<void>;
  readonly closing: boolean;
}

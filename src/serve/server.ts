import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import Fastify, { LogController, type FastifyInstance, type FastifyReply } from 'fastify';
import { z } from 'zod';
import {
  readStatus,
  resolveCoordPath,
  resolveLeaseOptions,
  withGpuLease,
  type GpuStatus,
  type LeaseOptions,
} from '../lease/index.js';
import { Pipeline, type GenerateOptions } from '../pipeline/pipeline.js';
import { encodePng } from '../store/png/encode-png.js';
import { ServeError, toErrorBody } from './errors.js';
import { ModelPool, type ModelState, type PipelineLoader, type ServeModel } from './model-pool.js';
import { GENERATE_LIMITS, parseGenerateRequest, resolveSettings, type GenerateRequest, type ResolvedSettings } from './request.js';

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
    logger: z.any().optional(),
    loadPipeline: z.custom<PipelineLoader>((v) => typeof v === 'function').optional(),
  })
  .strict()
  .refine((o) => Object.keys(o.models).length > 0, { message: 'at least one model is needed', path: ['models'] });

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

const round = (ms: number): number => Math.round(ms * 100) / 100;

/** What the pipeline is asked: an absent negative prompt stays absent, "" stays "". */
function generateOptions(request: GenerateRequest, settings: ResolvedSettings, signal: AbortSignal): GenerateOptions {
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

/** A Node backend embeds this; `ppbench serve` is a thin CLI around it. */
export function createServer(options: ServeOptions): PpbenchServer {
  const parsed = optionsSchema.safeParse(options);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(options)'}: ${i.message}`).join('; ');
    throw new ServeError(500, 'ERR_SERVE_OPTIONS', `invalid server options: ${problems}`);
  }
  const o = parsed.data;
  const models: Record<string, ServeModel> = Object.fromEntries(
    Object.entries(options.models).map(([key, m]) => [key, typeof m === 'string' ? { dir: m } : m]),
  );
  // Validated now so that bad timings fail at start, not on the first request.
  const leaseResolved = resolveLeaseOptions(options.lease ?? {});
  const leasePath = options.lease?.path ?? resolveCoordPath();
  const leaseOptions: LeaseOptions = { ...options.lease, path: leasePath };
  const statusOptions = { path: leasePath, staleMs: leaseResolved.timing.staleMs, maxHoldMs: leaseResolved.timing.maxHoldMs };
  const pool = new ModelPool(models, options.loadPipeline ?? ((opts) => Pipeline.load(opts)), { device: o.device, dtype: o.dtype });
  const shutdown = new AbortController();
  const inflight = new Set<Promise<unknown>>();
  const started = performance.now();
  let closing: Promise<void> | undefined;

  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: o.bodyLimit,
    // One line per generation (with its timings) instead of two per request.
    logController: new LogController({ disableRequestLogging: true }),
    // Requests that still arrive while closing reach our handlers and answer 503 ERR_SHUTTING_DOWN.
    return503OnClosing: false,
    forceCloseConnections: 'idle',
  });

  const track = <T>(work: Promise<T>): Promise<T> => {
    inflight.add(work);
    void work.then(
      () => inflight.delete(work),
      () => inflight.delete(work),
    );
    return work;
  };

  async function generate(body: unknown, { signal }: { signal?: AbortSignal } = {}): Promise<GeneratedPng> {
    const t0 = performance.now();
    const request = parseGenerateRequest(body, o.maxPromptLength);
    if (!pool.has(request.model)) {
      const known = pool.keys();
      throw new ServeError(400, 'ERR_UNKNOWN_MODEL', `unknown model "${request.model}" (known: ${known.join(', ')})`, {
        field: 'model',
        knownModels: known,
      });
    }
    if (closing) throw new ServeError(503, 'ERR_SHUTTING_DOWN', 'the server is shutting down');
    if (inflight.size >= o.maxInflight) {
      throw new ServeError(503, 'ERR_BUSY', `${inflight.size} generations in flight (limit ${o.maxInflight}); retry later`, {
        retryAfterS: 1,
      });
    }
    const stop = signal ? AbortSignal.any([signal, shutdown.signal]) : shutdown.signal;
    const work = withGpuLease(
      'backend',
      async (lease) => {
        const tLoad = performance.now();
        const { pipeline, loadedNow } = await pool.pipeline(request.model);
        const loadMs = loadedNow ? performance.now() - tLoad : 0;
        const settings = resolveSettings(request, pool.defaults(request.model), pipeline.info.defaultSize);
        return pool.exclusive(request.model, async (queueMs) => {
          const tGen = performance.now();
          // lease.signal fires on SIGINT/SIGTERM when the lease library handles signals.
          const cancel = AbortSignal.any([stop, lease.signal]);
          const result = await pipeline.generate(generateOptions(request, settings, cancel)).catch((err: unknown) => {
            if (!stop.aborted && lease.signal.aborted && lease.signal.reason instanceof Error) throw lease.signal.reason;
            throw err;
          });
          pool.countGenerated(request.model);
          const generateMs = performance.now() - tGen;
          return { result, settings, leaseWaitMs: lease.waitedMs, overlap: lease.overlap, loadMs, queueMs, generateMs };
        });
      },
      { ...leaseOptions, label: `serve/${request.model}`, signal: stop },
    ).catch((err: unknown) => {
      // A cancelled generation or acquire says why: the client left or the server is stopping.
      if (stop.aborted && stop.reason instanceof ServeError) throw stop.reason;
      throw err;
    });
    const held = await track(work);
    const image = held.result.image;
    if (!image) throw new ServeError(500, 'ERR_INTERNAL', 'the engine returned no image');
    // Encoding is CPU work: it happens after the lease is released, so the benchmark may go on.
    const tEnc = performance.now();
    const png = await encodePng(image.data, image.width, image.height, [
      ['prompt', request.prompt],
      ...(request.negativePrompt !== undefined ? ([['negative_prompt', request.negativePrompt]] as [string, string][]) : []),
      ['model', request.model],
      ['seed', String(held.settings.seed)],
      ['steps', String(held.settings.steps)],
      ['guidance', String(held.settings.guidance)],
      ...(held.result.schedulerClass ? ([['scheduler', held.result.schedulerClass]] as [string, string][]) : []),
      ['software', 'ppbench serve'],
    ]);
    const encodeMs = performance.now() - tEnc;
    return {
      png,
      model: request.model,
      settings: held.settings,
      width: image.width,
      height: image.height,
      leaseWaitMs: round(held.leaseWaitMs),
      overlap: held.overlap,
      loadMs: round(held.loadMs),
      queueMs: round(held.queueMs),
      generateMs: round(held.generateMs),
      engineMs: round(held.result.timings.totalMs),
      encodeMs: round(encodeMs),
      totalMs: round(performance.now() - t0),
      truncatedPrompts: held.result.truncatedPrompts ?? [],
    };
  }

  const health = (): ServerHealth => {
    const states = pool.states();
    return {
      ok: !closing,
      status: closing ? 'closing' : 'ok',
      device: o.device,
      dtype: o.dtype,
      loaded: states.filter((s) => s.loaded).map((s) => s.key),
      models: states,
      inflight: inflight.size,
      gpuCoordPath: leasePath,
      uptimeMs: Math.round(performance.now() - started),
    };
  };

  const gpuStatus = (): Promise<GpuStatus> => readStatus(statusOptions);

  async function preload(model: string): Promise<void> {
    if (!pool.has(model)) throw new ServeError(400, 'ERR_UNKNOWN_MODEL', `unknown model "${model}" (known: ${pool.keys().join(', ')})`);
    await track(withGpuLease('backend', () => pool.pipeline(model), { ...leaseOptions, label: `serve/${model}/load`, signal: shutdown.signal }));
  }

  app.setErrorHandler((err, request, reply) => {
    const answer = toErrorBody(err);
    if (answer.statusCode >= 500 && answer.code !== 'ERR_SHUTTING_DOWN' && answer.code !== 'ERR_BUSY') {
      request.log.error({ err, code: answer.code }, `${request.method} ${request.url} failed: ${answer.message}`);
    }
    if (typeof answer.retryAfterS === 'number') void reply.header('retry-after', String(answer.retryAfterS));
    void reply.status(answer.statusCode).send(answer);
  });

  // The API speaks JSON only: a text body answers 415 instead of failing validation.
  app.removeContentTypeParser('text/plain');

  // Requests in progress per connection, so that close() can end the unused ones.
  const sockets = new Map<Socket, number>();
  app.server.on('connection', (socket: Socket) => {
    sockets.set(socket, 0);
    socket.once('close', () => sockets.delete(socket));
  });
  app.server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const socket = req.socket;
    sockets.set(socket, (sockets.get(socket) ?? 0) + 1);
    res.once('close', () => {
      const n = sockets.get(socket);
      if (n !== undefined) sockets.set(socket, n - 1);
    });
  });
  const closeUnusedSockets = (): void => {
    for (const [socket, active] of sockets) if (active <= 0) socket.destroy();
  };

  // Once closing, every answer ends its connection, so that close() need not wait for kept-alive sockets to time out.
  app.addHook('onSend', async (_request, reply) => {
    if (closing) void reply.header('connection', 'close');
  });

  app.setNotFoundHandler((request, reply) => {
    const answer = toErrorBody(new ServeError(404, 'ERR_NOT_FOUND', `no route ${request.method} ${request.url}`));
    void reply.status(404).send(answer);
  });

  // 503 while closing, so that a load balancer stops sending work here.
  app.get('/healthz', async (_request, reply) => {
    const answer = health();
    return reply.status(answer.ok ? 200 : 503).send(answer);
  });

  // What the seed promises ({busy, owner, since}) plus holders, wants and the file's format.
  app.get('/gpu-status', async () => gpuStatus());

  app.post('/generate', async (request, reply: FastifyReply) => {
    const clientGone = new AbortController();
    reply.raw.once('close', () => {
      if (!reply.raw.writableFinished) {
        clientGone.abort(new ServeError(499, 'ERR_CLIENT_CLOSED', 'the client closed the connection'));
      }
    });
    const r = await generate(request.body, { signal: clientGone.signal });
    request.log.info(
      {
        model: r.model,
        seed: r.settings.seed,
        steps: r.settings.steps,
        size: `${r.width}x${r.height}`,
        leaseWaitMs: r.leaseWaitMs,
        overlap: r.overlap,
        loadMs: r.loadMs,
        queueMs: r.queueMs,
        generateMs: r.generateMs,
        totalMs: r.totalMs,
      },
      'generated',
    );
    const ms = (v: number) => v.toFixed(2);
    void reply
      .type('image/png')
      .header('cache-control', 'no-store')
      .header('x-ppbench-model', r.model)
      .header('x-ppbench-seed', String(r.settings.seed))
      .header('x-ppbench-steps', String(r.settings.steps))
      .header('x-ppbench-lease-wait-ms', ms(r.leaseWaitMs))
      .header('x-ppbench-overlap', String(r.overlap))
      .header('x-ppbench-load-ms', ms(r.loadMs))
      .header('x-ppbench-queue-ms', ms(r.queueMs))
      .header('x-ppbench-generate-ms', ms(r.generateMs))
      .header('x-ppbench-engine-ms', ms(r.engineMs))
      .header('x-ppbench-encode-ms', ms(r.encodeMs))
      .header('x-ppbench-total-ms', ms(r.totalMs))
      .header(
        'server-timing',
        `lease;dur=${ms(r.leaseWaitMs)}, load;dur=${ms(r.loadMs)}, queue;dur=${ms(r.queueMs)}, ` +
          `generate;dur=${ms(r.generateMs)}, encode;dur=${ms(r.encodeMs)}, total;dur=${ms(r.totalMs)}`,
      );
    if (r.truncatedPrompts.length > 0) void reply.header('x-ppbench-prompt-truncated', 'true');
    return reply.send(r.png);
  });

  async function listen(): Promise<string> {
    await app.listen({ host: o.host, port: o.port });
    const address = app.server.address() as AddressInfo;
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    return `http://${host}:${address.port}`;
  }

  function close({ graceMs = o.shutdownGraceMs }: { graceMs?: number } = {}): Promise<void> {
    const abortInflight = (): void => {
      if (!shutdown.signal.aborted) {
        shutdown.abort(new ServeError(503, 'ERR_SHUTTING_DOWN', 'the server is shutting down: generation aborted'));
      }
    };
    if (closing) {
      if (graceMs === 0) abortInflight();
      return closing;
    }
    closing = (async () => {
      app.log.info({ inflight: inflight.size, graceMs }, 'shutting down');
      // Stops accepting connections; requests arriving on open ones answer 503.
      const appClosed = app.close();
      const timer = setTimeout(abortInflight, graceMs);
      try {
        // Every generation has ended (finished or aborted at a step boundary) and released its lease.
        while (inflight.size > 0) await Promise.allSettled([...inflight]);
      } finally {
        clearTimeout(timer);
      }
      // Node closes idle kept-alive connections once, at close(); connections that go idle
      // later, or that a client opened without sending a request yet, would hold close() up
      // until they time out. Those without a request in progress are closed as we go.
      closeUnusedSockets();
      const sweep = setInterval(closeUnusedSockets, 50);
      try {
        await appClosed;
      } finally {
        clearInterval(sweep);
      }
      await pool.disposeAll();
      app.log.info('shut down');
    })();
    return closing;
  }

  return {
    app,
    listen,
    generate,
    preload,
    gpuStatus,
    health,
    close,
    get closing() {
      return closing !== undefined;
    },
  };
}

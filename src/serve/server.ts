import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import Fastify, { LogController } from 'fastify';
import { readStatus, resolveCoordPath, resolveLeaseOptions, withGpuLease, type GpuStatus, type LeaseOptions } from '../lease/index.js';
import { Pipeline } from '../pipeline/pipeline.js';
import { encodePng } from '../store/png/encode-png.js';
import { ServeError } from './errors.js';
import { ModelPool, type ServeModel } from './model-pool.js';
import { trackOpenSockets } from './open-sockets.js';
import { parseGenerateRequest, pipelineOptions, resolveSettings } from './request.js';
import { registerOpenApi } from './openapi.js';
import { registerRoutes } from './routes.js';
import type { GeneratedPng, PpbenchServer, ServerHealth } from './server-api.js';
import { parseServeOptions, type ServeOptions } from './server-options.js';

export type { GeneratedPng, PpbenchServer, ServerHealth } from './server-api.js';
export type { ServeLeaseOptions, ServeOptions } from './server-options.js';

const round = (ms: number): number => Math.round(ms * 100) / 100;

/**
 * After the grace period in-flight work is aborted; it normally stops at the next step. A
 * native step or load that does not return within this bound is left behind: close() goes on
 * (the process may exit; a lease it still holds goes stale).
 */
const ABORT_WAIT_MS = 5000;

/** How long close() waits for a model load under way (an ordinary one ends in seconds). */
const LOAD_WAIT_MS = 2000;

interface CostSettings {
  steps?: number;
  width?: number;
  height?: number;
}

/** A Node backend embeds this; `ppbench serve` is a thin CLI around it. */
export function createServer(options: ServeOptions): PpbenchServer {
  const o = parseServeOptions(options);
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

  /** --max-steps and --max-pixels, for the request's values and the model's defaults alike. */
  function checkCost(s: CostSettings): void {
    if (s.steps !== undefined && s.steps > o.maxSteps) {
      throw new ServeError(400, 'ERR_LIMIT', `steps ${s.steps} is above this server's limit of ${o.maxSteps}`, {
        field: 'steps',
        limit: o.maxSteps,
      });
    }
    if (s.width !== undefined && s.height !== undefined && s.width * s.height > o.maxPixels) {
      throw new ServeError(
        400,
        'ERR_LIMIT',
        `${s.width}x${s.height} is ${s.width * s.height} pixels, above this server's limit of ${o.maxPixels}`,
        { field: 'width, height', limit: o.maxPixels },
      );
    }
  }

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
    const defaults = pool.defaults(request.model);
    // Before the lease when the request or the model's defaults give the values; the native size
    // is known only once loaded, so the resolved settings are checked again below.
    checkCost({
      steps: request.steps ?? defaults.steps,
      width: request.width ?? defaults.width,
      height: request.height ?? defaults.height,
    });
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
        // lease.signal fires on SIGINT/SIGTERM when the lease library handles signals.
        const cancel = AbortSignal.any([stop, lease.signal]);
        const { pipeline, loadedNow } = await pool.pipeline(request.model, cancel);
        const loadMs = loadedNow ? performance.now() - tLoad : 0;
        const settings = resolveSettings(request, defaults, pipeline.info.defaultSize);
        checkCost(settings);
        return pool.exclusive(request.model, async (queueMs) => {
          const tGen = performance.now();
          const result = await pipeline.generate(pipelineOptions(request, settings, cancel)).catch((err: unknown) => {
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
    await track(
      withGpuLease('backend', () => pool.pipeline(model, shutdown.signal), {
        ...leaseOptions,
        label: `serve/${model}/load`,
        signal: shutdown.signal,
      }),
    );
  }

  const sockets = trackOpenSockets(app.server);
  registerOpenApi(app);
  // In a plugin registered after the OpenAPI one, so that it sees the routes' schemas.
  void app.register(async (routes) =>
    registerRoutes(routes, { generate, health, gpuStatus }, {
      closing: () => closing !== undefined,
      exposeDetails: o.exposeDetails,
      maxPromptLength: o.maxPromptLength,
    }),
  );

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
      let giveUp: NodeJS.Timeout | undefined;
      const givenUp = new Promise<'given-up'>((resolve) => {
        giveUp = setTimeout(() => resolve('given-up'), graceMs + ABORT_WAIT_MS);
      });
      try {
        // Every generation has ended (finished or aborted at a step boundary) and released its
        // lease, unless native work ignores the abort for longer than ABORT_WAIT_MS.
        while (inflight.size > 0) {
          if ((await Promise.race([Promise.allSettled([...inflight]), givenUp])) === 'given-up') {
            app.log.error({ inflight: inflight.size }, 'in-flight work did not stop after the abort: closing without it');
            break;
          }
        }
      } finally {
        clearTimeout(timer);
        clearTimeout(giveUp);
      }
      // Connections without a request in progress are closed as we go (see trackOpenSockets).
      sockets.closeUnused();
      const sweep = setInterval(() => sockets.closeUnused(), 50);
      try {
        await appClosed;
      } finally {
        clearInterval(sweep);
      }
      await pool.disposeAll(LOAD_WAIT_MS);
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

import { performance } from 'node:perf_hooks';
import type { NativeLoadPipelineOptions } from '../native/types.js';
import type { GenerateOptions, PipelineLoadOptions } from '../pipeline/pipeline.js';
import type { ModelDefaults } from './request.js';

/** A served model: a diffusers folder and the settings a request that omits them gets. */
export interface ServeModel {
  dir: string;
  defaults?: ModelDefaults;
}

/** What the server needs from a loaded model; `Pipeline` (src/pipeline) is one. */
export interface ServePipeline {
  readonly info: { family: string; defaultSize: number; device: string; dtype: string };
  generate(options: GenerateOptions): Promise<ServeGenerateResult>;
  dispose(): Promise<void>;
}

export interface ServeGenerateResult {
  image?: { width: number; height: number; data: Uint8Array };
  timings: { totalMs: number };
  truncatedPrompts?: string[];
  schedulerClass?: string;
}

/** Loads a pipeline; aborting `signal` cancels the load (it then rejects, e.g. with ERR_CANCELLED). */
export type PipelineLoader = (options: PipelineLoadOptions) => Promise<ServePipeline>;

export interface ModelState {
  key: string;
  dir: string;
  loaded: boolean;
  loading: boolean;
  family?: string;
  loadMs?: number;
  /** Requests waiting for this model's pipeline or running on it. */
  pending: number;
  generated: number;
  /** The last failed load (the next request tries again). */
  lastError?: { code: string; message: string };
}

interface Entry {
  key: string;
  model: ServeModel;
  pipeline?: ServePipeline;
  loading?: Promise<ServePipeline>;
  /** Cancels the load under way: when the pool is disposed or every request waiting for it left. */
  loadAbort?: AbortController;
  /** Requests waiting for the load under way. */
  loadWaiters: number;
  loadMs?: number;
  lastError?: { code: string; message: string };
  /** Tail of this model's run queue: one generation at a time per pipeline. */
  tail: Promise<void>;
  pending: number;
  generated: number;
}

/**
 * Pipelines loaded lazily, once per model, and reused. Loads are shared by concurrent
 * requests; a failed load is not cached. Generations on one pipeline run one at a time (the
 * engine would serialize them anyway, but queued native calls would each pin a libuv thread
 * that the lease's file I/O needs); different models run side by side.
 */
export class ModelPool {
  private readonly entries = new Map<string, Entry>();
  private disposed = false;

  constructor(
    models: Record<string, ServeModel>,
    private readonly load: PipelineLoader,
    private readonly loadOptions: Omit<NativeLoadPipelineOptions, 'modelDir' | 'cancel'>,
  ) {
    for (const [key, model] of Object.entries(models)) {
      this.entries.set(key, { key, model, tail: Promise.resolve(), loadWaiters: 0, pending: 0, generated: 0 });
    }
  }

  keys(): string[] {
    return [...this.entries.keys()];
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  defaults(key: string): ModelDefaults {
    return this.entry(key).model.defaults ?? {};
  }

  /**
   * The model's pipeline, loading it if this is the first request for it. `signal` stops this
   * request's wait; when every request waiting for a load has left, the load itself is cancelled
   * (the native engine stops at its next weight), and the next request starts a new one.
   */
  async pipeline(key: string, signal?: AbortSignal): Promise<{ pipeline: ServePipeline; loadedNow: boolean }> {
    const entry = this.entry(key);
    if (entry.pipeline) return { pipeline: entry.pipeline, loadedNow: false };
    if (this.disposed) throw new Error('the model pool was disposed');
    if (signal?.aborted) throw signal.reason as Error;
    if (!entry.loading) {
      const started = performance.now();
      const loadAbort = new AbortController();
      entry.loadAbort = loadAbort;
      entry.loading = this.load({ ...this.loadOptions, modelDir: entry.model.dir, signal: loadAbort.signal }).then(
        async (pipeline) => {
          entry.loading = undefined;
          entry.loadAbort = undefined;
          if (this.disposed || loadAbort.signal.aborted) {
            await pipeline.dispose();
            throw new Error(this.disposed ? 'the model pool was disposed while loading' : 'the model load was cancelled');
          }
          entry.pipeline = pipeline;
          entry.loadMs = performance.now() - started;
          entry.lastError = undefined;
          return pipeline;
        },
        (err: unknown) => {
          entry.loading = undefined;
          entry.loadAbort = undefined;
          // A load this pool cancelled did not fail: the next request simply loads again.
          if (!loadAbort.signal.aborted) {
            const e = err as { code?: unknown; message?: unknown };
            entry.lastError = {
              code: typeof e?.code === 'string' ? e.code : 'ERR_MODEL_LOAD',
              message: typeof e?.message === 'string' ? e.message : String(err),
            };
          }
          throw err;
        },
      );
      // Nobody may be waiting when a cancelled load rejects.
      entry.loading.catch(() => undefined);
    }
    const loadAbort = entry.loadAbort;
    entry.loadWaiters++;
    let waiting = true;
    const leave = (): void => {
      if (!waiting) return;
      waiting = false;
      entry.loadWaiters--;
      if (entry.loadWaiters === 0 && entry.loadAbort === loadAbort) {
        loadAbort?.abort(new Error('every request waiting for this model load left'));
      }
    };
    signal?.addEventListener('abort', leave, { once: true });
    try {
      return { pipeline: await abortable(entry.loading, signal), loadedNow: true };
    } finally {
      signal?.removeEventListener('abort', leave);
      // Settled (or aborted): no longer waiting. After a settled load entry.loadAbort was cleared, so nothing is cancelled.
      if (waiting) {
        waiting = false;
        entry.loadWaiters--;
      }
    }
  }

  /**
   * Runs `fn` when the model's earlier work is done. `waitedMs` is the time spent queued behind
   * other requests for the same model.
   */
  async exclusive<T>(key: string, fn: (waitedMs: number) => Promise<T>): Promise<T> {
    const entry = this.entry(key);
    const queued = performance.now();
    const previous = entry.tail;
    let done = (): void => undefined;
    entry.tail = new Promise<void>((resolve) => (done = resolve));
    entry.pending++;
    try {
      await previous;
      return await fn(performance.now() - queued);
    } finally {
      entry.pending--;
      done();
    }
  }

  countGenerated(key: string): void {
    this.entry(key).generated++;
  }

  states(): ModelState[] {
    return [...this.entries.values()].map((e) => ({
      key: e.key,
      dir: e.model.dir,
      loaded: e.pipeline !== undefined,
      loading: e.loading !== undefined,
      ...(e.pipeline ? { family: e.pipeline.info.family } : {}),
      ...(e.loadMs !== undefined ? { loadMs: Math.round(e.loadMs) } : {}),
      pending: e.pending,
      generated: e.generated,
      ...(e.lastError ? { lastError: e.lastError } : {}),
    }));
  }

  /**
   * Frees every pipeline after its running work. Loads still under way are cancelled, and waited
   * for at most `loadWaitMs` (a load stops at its next weight; one stuck in a system call may not
   * end); each is freed when it ends.
   */
  async disposeAll(loadWaitMs: number): Promise<void> {
    this.disposed = true;
    const all = [...this.entries.values()];
    for (const e of all) e.loadAbort?.abort(new Error('the model pool is shutting down'));
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled(all.map((e) => e.loading)),
      new Promise((resolve) => (timer = setTimeout(resolve, loadWaitMs))),
    ]);
    clearTimeout(timer);
    await Promise.allSettled(
      all.map(async (e) => {
        await e.tail;
        const pipeline = e.pipeline;
        e.pipeline = undefined;
        await pipeline?.dispose();
      }),
    );
  }

  loadsUnderWay(): number {
    return [...this.entries.values()].filter((e) => e.loading !== undefined).length;
  }

  private entry(key: string): Entry {
    const entry = this.entries.get(key);
    if (!entry) throw new Error(`unknown model "${key}"`);
    return entry;
  }
}

/** `promise`, or a rejection with the signal's reason as soon as it aborts. */
function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err as Error);
      },
    );
  });
}

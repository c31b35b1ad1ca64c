import { setTimeout as sleep } from 'node:timers/promises';
import { NativeEngineError } from '../../../src/native/errors.js';
import type { GenerateOptions } from '../../../src/pipeline/pipeline.js';
import type { PipelineLoader, ServeGenerateResult, ServePipeline } from '../../../src/serve/index.js';

/**
 * A stand-in for the native pipeline, for what the server does around the engine (errors,
 * queueing, cancellation, shutdown) in milliseconds. Prompts steer it: "oom" → ERR_CUDA_OOM,
 * "torch" → ERR_TORCH, "bad-arg" → ERR_INVALID_ARG. A folder named "broken" fails to load.
 */
export class FakePipeline implements ServePipeline {
  readonly info = { family: 'sd1', defaultSize: 64, device: 'cpu', dtype: 'fp32' };
  readonly calls: GenerateOptions[] = [];
  cancelled = 0;
  disposed = false;
  running = 0;
  maxRunning = 0;

  constructor(private readonly stepMs: number) {}

  async generate(options: GenerateOptions): Promise<ServeGenerateResult> {
    this.calls.push(options);
    this.running++;
    this.maxRunning = Math.max(this.maxRunning, this.running);
    const t0 = performance.now();
    try {
      if (options.prompt === 'oom') throw new NativeEngineError('CUDA out of memory (fake)', 'ERR_CUDA_OOM');
      if (options.prompt === 'torch') throw new NativeEngineError('libtorch failed (fake)', 'ERR_TORCH');
      if (options.prompt === 'bad-arg') throw new NativeEngineError('width 64 not supported (fake)', 'ERR_INVALID_ARG');
      for (let step = 0; step < options.steps; step++) {
        if (options.signal?.aborted) {
          this.cancelled++;
          throw new NativeEngineError(`cancelled at step ${step}`, 'ERR_CANCELLED');
        }
        await sleep(this.stepMs);
      }
      const { width, height } = options;
      const data = new Uint8Array(width * height * 3);
      for (let i = 0; i < data.length; i++) data[i] = (i * 7 + options.seed) & 0xff;
      return { image: { width, height, data }, timings: { totalMs: performance.now() - t0 }, truncatedPrompts: [] };
    } finally {
      this.running--;
    }
  }

  async dispose(): Promise<void> {
    this.disposed = true;
  }
}

export interface FakeLoader {
  load: PipelineLoader;
  pipelines: Map<string, FakePipeline>;
  loads: number;
}

export function fakeLoader(stepMs = 20): FakeLoader {
  const loader: FakeLoader = {
    pipelines: new Map(),
    loads: 0,
    load: async ({ modelDir }) => {
      loader.loads++;
      await sleep(30);
      if (modelDir.endsWith('broken')) throw new NativeEngineError(`${modelDir}/unet/config.json: missing (fake)`, 'ERR_MODEL_LOAD');
      const pipeline = new FakePipeline(stepMs);
      loader.pipelines.set(modelDir, pipeline);
      return pipeline;
    },
  };
  return loader;
}

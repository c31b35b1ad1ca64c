import { cancelTokenFor, loadNativePipeline } from '../native/binding.js';
import { NativeEngineError } from '../native/errors.js';
import { LoadTimeoutError } from './load-timeout-error.js';
import type {
  NativeGenerateOptions,
  NativeGenerateResult,
  NativeLoadPipelineOptions,
  NativePipeline,
  NativePipelineInfo,
  NativeProfileEvent,
} from '../native/types.js';
import { loadPipelineTokenizers, type ClipTokenizer } from '../tokenizer/index.js';
import { promptTexts, usesClassifierFreeGuidance, type PromptInputs } from './prompt-texts.js';

/** The native options minus what this layer derives (token ids from the prompts, the cancel token from `signal`). */
export interface GenerateOptions extends PromptInputs, Omit<NativeGenerateOptions, 'promptIds' | 'negativeIds' | 'cancel'> {
  /** Aborting stops the generation at the next step boundary with ERR_CANCELLED. */
  signal?: AbortSignal;
}

export interface GenerateResult extends NativeGenerateResult {
  timings: NativeGenerateResult['timings'] & { tokenizeMs: number };
  /** Prompts longer than 77 tokens are truncated like diffusers does; listed here per encoder. */
  truncatedPrompts: string[];
}

export interface PipelineLoadOptions extends Omit<NativeLoadPipelineOptions, 'cancel'> {
  /** Aborting cancels the load at the next weight; it rejects with ERR_CANCELLED. */
  signal?: AbortSignal;
  /** The whole load (weights and tokenizers) must end within this many ms, else it is cancelled: ERR_LOAD_TIMEOUT. */
  deadlineMs?: number;
}

/**
 * A loaded model: the tokenizers (TypeScript) plus the native pipeline. Used by the CLI, the
 * runner and the backend alike.
 */
export class Pipeline {
  private constructor(
    private native: NativePipeline | undefined,
    readonly info: NativePipelineInfo,
    readonly tokenizers: ClipTokenizer[],
  ) {}

  /**
   * Loads the native pipeline, then the tokenizers. `signal` and `deadlineMs` cancel the native
   * load at its next weight (and a load that ends after either fired is disposed): an abort
   * rejects with ERR_CANCELLED, a missed deadline with ERR_LOAD_TIMEOUT naming the folder.
   */
  static async load(options: PipelineLoadOptions): Promise<Pipeline> {
    const { signal, deadlineMs, ...nativeOptions } = options;
    const { modelDir } = nativeOptions;
    if (deadlineMs !== undefined && !(Number.isFinite(deadlineMs) && deadlineMs > 0)) {
      throw new NativeEngineError(`deadlineMs must be a positive number of milliseconds, got ${deadlineMs}`, 'ERR_INVALID_ARG');
    }
    if (signal?.aborted) throw new NativeEngineError(`${modelDir}: model load cancelled before start`, 'ERR_CANCELLED');
    const started = performance.now();
    const cancel = cancelTokenFor(signal);
    let timer: NodeJS.Timeout | undefined;
    let deadlinePassed = false;
    if (deadlineMs !== undefined) {
      timer = setTimeout(() => {
        deadlinePassed = true;
        cancel.cancel();
      }, deadlineMs);
    }
    // Why the load must stop now, if it must: the deadline wins over an abort that came later.
    const stopReason = (cause?: unknown): Error | undefined => {
      if (deadlineMs !== undefined && (deadlinePassed || performance.now() - started >= deadlineMs)) {
        return new LoadTimeoutError(modelDir, deadlineMs, cause === undefined ? undefined : { cause });
      }
      if (signal?.aborted) return new NativeEngineError(`${modelDir}: model load cancelled`, 'ERR_CANCELLED');
      return undefined;
    };
    try {
      let native: NativePipeline;
      try {
        // Native first: its errors (ERR_MODEL_LOAD naming the file) are the ones users need to see.
        native = await loadNativePipeline({ ...nativeOptions, cancel });
      } catch (err) {
        const timedOut = (err as { code?: unknown })?.code === 'ERR_CANCELLED' ? stopReason(err) : undefined;
        throw timedOut instanceof LoadTimeoutError ? timedOut : err;
      }
      try {
        const tokenizers = await loadPipelineTokenizers(modelDir);
        const info = native.info();
        if (tokenizers.length !== info.textEncoders) {
          throw new NativeEngineError(
            `${modelDir}: ${tokenizers.length} tokenizer folder(s) for ${info.textEncoders} text encoder(s)`,
            'ERR_MODEL_LOAD',
          );
        }
        const stop = stopReason();
        if (stop) throw stop;
        return new Pipeline(native, info, tokenizers);
      } catch (err) {
        await native.dispose();
        throw err;
      }
    } finally {
      clearTimeout(timer);
    }
  }

  async generate(options: GenerateOptions): Promise<GenerateResult> {
    const native = this.nativeOrThrow();
    const { request, truncatedPrompts, tokenizeMs } = this.nativeRequest(options);
    const result = await native.generate(request);
    return { ...result, timings: { ...result.timings, tokenizeMs }, truncatedPrompts };
  }

  /** generate() under the libtorch profiler; `tracePath` receives a Chrome trace. */
  async profile(
    options: GenerateOptions,
    tracePath?: string,
  ): Promise<{ result: GenerateResult; events: NativeProfileEvent[]; tracePath?: string }> {
    const native = this.nativeOrThrow();
    const { request, truncatedPrompts, tokenizeMs } = this.nativeRequest(options);
    const profiled = await native.profile(request, tracePath ? { tracePath } : {});
    const result = { ...profiled.result, timings: { ...profiled.result.timings, tokenizeMs }, truncatedPrompts };
    return { ...profiled, result };
  }

  private nativeRequest(options: GenerateOptions): {
    request: NativeGenerateOptions;
    truncatedPrompts: string[];
    tokenizeMs: number;
  } {
    if (options.signal?.aborted) throw new NativeEngineError('cancelled before start', 'ERR_CANCELLED');
    const t0 = performance.now();
    const cfg = usesClassifierFreeGuidance(options.guidance);
    const texts = promptTexts(options, this.info, cfg);
    const truncatedPrompts: string[] = [];
    const encode = (list: string[]) =>
      list.map((text, k) => {
        const enc = this.tokenizers[k]!.encodeWithInfo(text);
        if (enc.truncated) truncatedPrompts.push(text);
        return enc.inputIds;
      });
    const promptIds = encode(texts.prompt);
    const negativeIds = texts.negative ? encode(texts.negative) : undefined;
    const tokenizeMs = performance.now() - t0;
    const request: NativeGenerateOptions = {
      promptIds,
      ...(negativeIds ? { negativeIds } : {}),
      seed: options.seed,
      steps: options.steps,
      guidance: options.guidance,
      guidanceRescale: options.guidanceRescale ?? 0,
      width: options.width,
      height: options.height,
      ...(options.scheduler ? { scheduler: options.scheduler } : {}),
      ...(options.schedulerConfig ? { schedulerConfig: options.schedulerConfig } : {}),
      ...(options.initLatents ? { initLatents: options.initLatents } : {}),
      ...(options.stepNoise ? { stepNoise: options.stepNoise } : {}),
      ...(options.capture ? { capture: options.capture } : {}),
      ...(options.onStep ? { onStep: options.onStep } : {}),
      ...(options.decode === false ? { decode: false } : {}),
      ...(options.cudaGraphs ? { cudaGraphs: options.cudaGraphs } : {}),
      cancel: cancelTokenFor(options.signal),
    };
    return { request, truncatedPrompts, tokenizeMs };
  }

  /** Frees the weights (and the device cache) now; the pipeline cannot be used afterwards. */
  async dispose(): Promise<void> {
    const native = this.native;
    this.native = undefined;
    await native?.dispose();
  }

  /** The raw native pipeline, for stage-level checks (encodeText, runUnet, decodeLatents). */
  nativeOrThrow(): NativePipeline {
    if (!this.native) throw new NativeEngineError('this pipeline was disposed', 'ERR_INVALID_ARG');
    return this.native;
  }
}

export async function loadPipeline(options: PipelineLoadOptions): Promise<Pipeline> {
  return Pipeline.load(options);
}

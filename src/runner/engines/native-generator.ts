import { device as nativeDevice } from '../../native/binding.js';
import { Pipeline } from '../../pipeline/pipeline.js';
import { errorCode, RunnerError } from '../errors.js';
import type { EngineSettings, GeneratedImage, GenerateRequest, ImageGenerator, ResolvedModel } from '../generator.js';

/**
 * The libtorch pipeline (src/pipeline) behind the runner's ImageGenerator: one Pipeline per
 * model pass, loaded with the run's device and dtype and disposed when the pass ends.
 *
 * Errors keep their engine `code`: ERR_CANCELLED (the lease or the stop signal fired; the
 * runner records preempted or interrupted), ERR_CUDA_OOM (recorded as a failed image; the
 * cache is flushed here, before the lease is released, so the backend gets the memory back at
 * once), ERR_MODEL_LOAD from Pipeline.load (the model is skipped and recorded as load-failed).
 */
export async function loadNativeGenerator(model: ResolvedModel, settings: EngineSettings): Promise<ImageGenerator> {
  if (model.dir === null) throw new RunnerError('ERR_MODEL_LOAD', `model "${model.entry.key}": the native engine needs a model folder`);
  const pipeline = await Pipeline.load({
    modelDir: model.dir,
    device: settings.device,
    dtype: settings.dtype,
    // The registry's fp16 variant when the folder has it (also for fp32: the files are cast);
    // otherwise "auto" (fp16 files only when running in half precision and present).
    variant: model.entry.variant === 'fp16' ? 'fp16' : 'auto',
  });
  return new NativeGenerator(pipeline, settings.cudaGraphs);
}

export class NativeGenerator implements ImageGenerator {
  constructor(
    private readonly pipeline: Pipeline,
    private readonly cudaGraphs?: 'auto' | 'on' | 'off',
  ) {}

  async generate(request: GenerateRequest): Promise<GeneratedImage> {
    let result;
    try {
      result = await this.pipeline.generate({
        prompt: request.prompt,
        ...(request.negativePrompt !== undefined && { negativePrompt: request.negativePrompt }),
        seed: request.seed,
        steps: request.steps,
        guidance: request.guidance,
        width: request.width,
        height: request.height,
        ...(request.scheduler !== undefined && { scheduler: request.scheduler }),
        ...(this.cudaGraphs !== undefined && { cudaGraphs: this.cudaGraphs }),
        signal: request.signal,
        ...(request.onStep && { onStep: (e: { index: number; total: number }) => request.onStep!(e.index + 1, e.total) }),
      });
    } catch (err) {
      if (errorCode(err, '') === 'ERR_CUDA_OOM') flushQuietly();
      throw err;
    }
    const image = result.image;
    if (!image) throw new RunnerError('ERR_BAD_IMAGE', 'the engine returned no image');
    const t = result.timings;
    return {
      rgb: image.data,
      width: image.width,
      height: image.height,
      timings: {
        tokenizeMs: t.tokenizeMs,
        textEncodeMs: t.textEncodeMs,
        unetMs: [...t.unetMs],
        schedulerMs: t.schedulerMs,
        vaeDecodeMs: t.vaeDecodeMs,
        graphCaptureMs: t.graphCaptureMs,
        totalMs: t.totalMs,
      },
      // On CPU: the process's peak RSS while this image was generated (weights included), when the
      // engine could reset the peak before it; the lifetime peak would not be this image's.
      peakMemory: result.memory.cuda || result.memory.peakSinceReset ? result.memory.peakAllocated : null,
    };
  }

  dispose(): Promise<void> {
    return this.pipeline.dispose();
  }
}

function flushQuietly(): void {
  try {
    nativeDevice.emptyCache();
  } catch {
    // The runner flushes again after the image; a failure here must not hide the OOM.
  }
}

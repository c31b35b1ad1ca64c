import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { RunnerError, errorMessage } from '../errors.js';
import type { GeneratedImage, GenerateRequest, ImageGenerator } from '../generator.js';

export interface FakeEngineOptions {
  /** Simulated time per denoising step; 0 = a no-op generator (overhead measurements). */
  msPerStep: number;
}

/**
 * Stands in for the native pipeline in tests and the overhead script: the same image for the
 * same seed and size, steps that take `msPerStep`, and the cancellation contract of the real
 * engine (checked between steps and before decode, rejecting with ERR_CANCELLED).
 */
export class FakeGenerator implements ImageGenerator {
  constructor(private readonly options: FakeEngineOptions) {}

  async generate(request: GenerateRequest): Promise<GeneratedImage> {
    const started = performance.now();
    const unetMs: number[] = [];
    for (let step = 0; step < request.steps; step++) {
      throwIfCancelled(request.signal);
      const stepStart = performance.now();
      if (this.options.msPerStep > 0) await sleep(this.options.msPerStep);
      unetMs.push(performance.now() - stepStart);
      request.onStep?.(step + 1, request.steps);
    }
    throwIfCancelled(request.signal);
    const decodeStart = performance.now();
    const rgb = fakePixels(request.seed, request.width, request.height);
    const vaeDecodeMs = performance.now() - decodeStart;
    return {
      rgb,
      width: request.width,
      height: request.height,
      timings: { textEncodeMs: 0, unetMs, vaeDecodeMs, totalMs: performance.now() - started },
      peakMemory: null,
    };
  }

  async dispose(): Promise<void> {}
}

function throwIfCancelled(signal: AbortSignal): void {
  if (signal.aborted) throw new RunnerError('ERR_CANCELLED', `generation cancelled: ${errorMessage(signal.reason)}`);
}

/** A seed-dependent colour gradient with xorshift32 grain. */
export function fakePixels(seed: number, width: number, height: number): Uint8Array {
  const rgb = new Uint8Array(width * height * 3);
  let state = seed >>> 0 || 0x9e3779b9;
  const base = [state & 0xff, (state >>> 8) & 0xff, (state >>> 16) & 0xff] as const;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      const i = (y * width + x) * 3;
      rgb[i] = (base[0] + (x * 255) / width + (state & 15)) & 0xff;
      rgb[i + 1] = (base[1] + (y * 255) / height + ((state >>> 4) & 15)) & 0xff;
      rgb[i + 2] = (base[2] + ((state >>> 8) & 15)) & 0xff;
    }
  }
  return rgb;
}

import { performance } from 'node:perf_hooks';
import type { ImageSettings } from '../registry/model-entry.js';
import type { BenchmarkLease, HeldGpu } from './benchmark-lease.js';
import { errorCode, errorMessage, isCancellation } from './errors.js';
import type { GeneratedImage, ImageGenerator } from './generator.js';
import type { ImageUnit } from './plan.js';

interface Timed {
  /** Generation wall time inside the lease. */
  latencyMs: number;
  /** How long acquiring the lease took (waiting for the backend). */
  leaseWaitMs: number;
}

export type Attempt =
  | ({ kind: 'ok'; image: GeneratedImage } & Timed)
  | ({ kind: 'preempted'; reason: string } & Timed)
  | ({ kind: 'failed'; code: string; message: string } & Timed)
  | { kind: 'interrupted'; reason: string };

/**
 * One image under the benchmark lease: acquire, generate with the lease's signal (and the
 * process's stop signal), release. Holding covers generation only — PNG encoding and the
 * database happen after release, so the backend never waits for our disk.
 */
export async function attemptImage(args: {
  generator: ImageGenerator;
  model: string;
  unit: ImageUnit;
  settings: ImageSettings;
  lease: BenchmarkLease;
  stop: AbortSignal;
}): Promise<Attempt> {
  const { generator, unit, settings, lease, stop } = args;
  const requested = performance.now();
  try {
    return await lease.withGpuLease(
      'benchmark',
      async (held): Promise<Attempt> => {
        const started = performance.now();
        const timed = (): Timed => ({ latencyMs: performance.now() - started, leaseWaitMs: started - requested });
        try {
          const image = await generator.generate({
            prompt: unit.prompt,
            ...(settings.negativePrompt !== null && { negativePrompt: settings.negativePrompt }),
            seed: unit.seed,
            steps: settings.steps,
            guidance: settings.guidance,
            width: settings.width,
            height: settings.height,
            scheduler: settings.scheduler,
            signal: AbortSignal.any([held.signal, stop]),
            onStep: () => heartbeat(held),
          });
          const problem = imageProblem(image, settings);
          return problem ? { kind: 'failed', code: 'ERR_BAD_IMAGE', message: problem, ...timed() } : { kind: 'ok', image, ...timed() };
        } catch (err) {
          return classify(err, held, stop, timed());
        }
      },
      { label: `${args.model}/${unit.promptId}/s${unit.seedIndex}`, signal: stop },
    );
  } catch (err) {
    // Only the lease itself throws here (generation errors were turned into attempts above).
    if (stop.aborted) return { kind: 'interrupted', reason: errorMessage(stop.reason ?? err) };
    throw err;
  }
}

/** Background heartbeats keep the lease alive anyway; a failed one here must not fail the image. */
function heartbeat(held: HeldGpu): void {
  held.heartbeat?.().catch(() => undefined);
}

function classify(err: unknown, held: HeldGpu, stop: AbortSignal, timed: Timed): Attempt {
  if (stop.aborted) return { kind: 'interrupted', reason: errorMessage(stop.reason) };
  if (held.signal.aborted) return { kind: 'preempted', reason: errorMessage(held.signal.reason), ...timed };
  if (isCancellation(err)) return { kind: 'preempted', reason: errorMessage(err), ...timed };
  return { kind: 'failed', code: errorCode(err, 'ERR_GENERATE'), message: errorMessage(err), ...timed };
}

/** The engine's output is checked like any other boundary: a wrong-sized image is a failure, not a file. */
function imageProblem(image: GeneratedImage, settings: ImageSettings): string | null {
  if (image.width !== settings.width || image.height !== settings.height) {
    return `engine returned ${image.width}x${image.height}, asked for ${settings.width}x${settings.height}`;
  }
  const expected = image.width * image.height * 3;
  return image.rgb.length === expected ? null : `engine returned ${image.rgb.length} bytes of RGB, expected ${expected}`;
}

// Issue "Native engine I (pipeline)", runtime: worker thread, cancellation within one UNet
// evaluation, step callbacks following the timesteps list, serialized concurrent calls, dispose.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NativeEngineError } from '../../src/native/errors.js';
import type { StepEvent } from '../../src/native/types.js';
import { Pipeline, type GenerateOptions } from '../../src/pipeline/pipeline.js';
import { fixturesDir } from '../helpers/shared.js';

const base: GenerateOptions = {
  prompt: 'a photo of an astronaut riding a horse on mars',
  seed: 42,
  steps: 20,
  guidance: 7.5,
  width: 64,
  height: 64,
};

describe('generate runtime (sd15-tiny, PNDM)', () => {
  let pipeline: Pipeline;
  beforeAll(async () => {
    pipeline = await Pipeline.load({ modelDir: path.join(fixturesDir(), 'sd15-tiny'), device: 'cpu', dtype: 'fp32' });
  });
  afterAll(async () => pipeline.dispose());

  it('reports the family and features it detected from the configs', () => {
    expect(pipeline.info).toMatchObject({ family: 'sd1', textEncoders: 1, defaultSize: expect.any(Number) });
    expect(pipeline.info.features).toMatchObject({ prediction: 'epsilon', dualTextEncoders: false });
  });

  it('onStep follows the timesteps list (PNDM: steps + 1 evaluations), with per-stage timings', async () => {
    const events: StepEvent[] = [];
    const r = await pipeline.generate({ ...base, steps: 5, onStep: (e) => events.push(e) });
    expect(r.timesteps.length).toBe(6);
    expect(r.timings.unetMs.length).toBe(6);
    await new Promise((resolve) => setImmediate(resolve)); // the last callback may still be queued
    expect(events.map((e) => e.index)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(events.map((e) => e.timestep)).toEqual(r.timesteps);
    expect(events.every((e) => e.total === 6)).toBe(true);
    for (const key of ['tokenizeMs', 'textEncodeMs', 'vaeDecodeMs', 'totalMs'] as const) {
      expect(r.timings[key]).toBeGreaterThanOrEqual(0);
    }
    expect(r.timings.totalMs).toBeGreaterThanOrEqual(r.timings.unetMs.reduce((a, b) => a + b, 0));
    expect(r.memory.peakAllocated).toBeGreaterThan(0);
    expect(r.image!.data.length).toBe(64 * 64 * 3);
  });

  it('keeps the JS thread responsive while generating on a worker', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    const started = performance.now();
    await pipeline.generate(base);
    const elapsed = performance.now() - started;
    clearInterval(timer);
    // A blocked event loop would give ~0 ticks; allow for a loaded 2-core machine.
    expect(ticks).toBeGreaterThan(Math.min(10, elapsed / 5 / 4));
  });

  it('an abort rejects with ERR_CANCELLED within one UNet evaluation, and the pipeline stays usable', async () => {
    const controller = new AbortController();
    const events: StepEvent[] = [];
    let abortedAtIndex = -1;
    const run = pipeline.generate({
      ...base,
      signal: controller.signal,
      onStep: (e) => {
        events.push(e);
        if (e.index === 2 && abortedAtIndex < 0) {
          abortedAtIndex = e.index;
          controller.abort();
        }
      },
    });
    const err = await run.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NativeEngineError);
    expect((err as NativeEngineError).code).toBe('ERR_CANCELLED');
    // The worker may have started at most one more evaluation before it saw the flag.
    expect(events.length).toBeLessThanOrEqual(abortedAtIndex + 3);
    expect(events.length).toBeLessThan(base.steps);
    const again = await pipeline.generate({ ...base, steps: 2 });
    expect(again.image).toBeDefined();
  });

  it('an already-aborted signal rejects before any work', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(pipeline.generate({ ...base, signal: controller.signal })).rejects.toMatchObject({ code: 'ERR_CANCELLED' });
  });

  it('concurrent calls on one pipeline are serialized and give the same result as sequential ones', async () => {
    const a = { ...base, steps: 3, seed: 1 };
    const b = { ...base, steps: 3, seed: 2 };
    const [ra, rb] = await Promise.all([pipeline.generate(a), pipeline.generate(b)]);
    const sa = await pipeline.generate(a);
    expect(Buffer.from(ra.image!.data).equals(Buffer.from(sa.image!.data))).toBe(true);
    expect(Buffer.from(ra.image!.data).equals(Buffer.from(rb.image!.data))).toBe(false);
  });

  it('rejects sizes that are not multiples of 8, naming the constraint', async () => {
    await expect(pipeline.generate({ ...base, width: 100 })).rejects.toMatchObject({
      code: 'ERR_INVALID_ARG',
      message: expect.stringMatching(/width .*multiple of 8.*received 100/),
    });
  });

  it('lists scheduler override keys the class does not know', async () => {
    const r = await pipeline.generate({ ...base, steps: 2, scheduler: 'EulerDiscreteScheduler', schedulerConfig: { bogus_key: 1 } });
    expect(r.schedulerClass).toBe('EulerDiscreteScheduler');
    expect(r.ignoredSchedulerKeys).toContain('bogus_key');
  });
});

describe('dispose', () => {
  it('frees the pipeline; later calls fail with a clear error', async () => {
    const p = await Pipeline.load({ modelDir: path.join(fixturesDir(), 'sd-turbo-tiny'), device: 'cpu', dtype: 'fp32' });
    await p.generate({ ...base, steps: 1, guidance: 0 });
    await p.dispose();
    await expect(p.generate({ ...base, steps: 1, guidance: 0 })).rejects.toMatchObject({ code: 'ERR_INVALID_ARG' });
  });

  it('a corrupted model folder is ERR_MODEL_LOAD naming the file', async () => {
    await expect(Pipeline.load({ modelDir: path.join(fixturesDir(), 'does-not-exist'), device: 'cpu' })).rejects.toMatchObject({
      code: 'ERR_MODEL_LOAD',
      message: expect.stringContaining('does-not-exist'),
    });
  });
});

import path from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { Pipeline } from '../../src/pipeline/pipeline.js';
import { fixturesDir } from '../helpers/shared.js';

const modelDir = (): string => path.join(fixturesDir(), 'sd15-tiny');

describe('Pipeline.load: a model load is cancellable and has a deadline', () => {
  it('aborting the signal while the load runs rejects with ERR_CANCELLED', async () => {
    const controller = new AbortController();
    const loading = Pipeline.load({ modelDir: modelDir(), signal: controller.signal });
    await nextTurn(); // the native load is under way on its worker thread
    controller.abort();
    await expect(loading).rejects.toMatchObject({ code: 'ERR_CANCELLED', message: expect.stringContaining(modelDir()) });
  });

  it('a signal aborted before the call rejects at once with ERR_CANCELLED', async () => {
    await expect(Pipeline.load({ modelDir: modelDir(), signal: AbortSignal.abort() })).rejects.toMatchObject({
      code: 'ERR_CANCELLED',
    });
  });

  it('a deadline of 1 ms (the tiny load takes longer) rejects with ERR_LOAD_TIMEOUT naming the deadline and the folder', async () => {
    const err = await Pipeline.load({ modelDir: modelDir(), deadlineMs: 1 }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ERR_LOAD_TIMEOUT', name: 'LoadTimeoutError' });
    expect((err as Error).message).toContain(modelDir());
    expect((err as Error).message).toContain('deadline of 1 ms');
  });

  it('a deadline that is not a positive number is ERR_INVALID_ARG', async () => {
    await expect(Pipeline.load({ modelDir: modelDir(), deadlineMs: 0 })).rejects.toMatchObject({ code: 'ERR_INVALID_ARG' });
  });

  it('a load with a generous deadline and a signal that never fires is unaffected, and loads after cancelled ones work', async () => {
    const pipeline = await Pipeline.load({ modelDir: modelDir(), signal: new AbortController().signal, deadlineMs: 120_000 });
    try {
      expect(pipeline.info.family).toBe('sd1');
      expect(pipeline.tokenizers).toHaveLength(1);
    } finally {
      await pipeline.dispose();
    }
  });
});

import { describe, expect, it } from 'vitest';
import { NativeEngineError } from '../../src/native/errors.js';
import type { PipelineLoadOptions } from '../../src/pipeline/pipeline.js';
import { ModelPool, type ServePipeline } from '../../src/serve/model-pool.js';
import { FakePipeline } from './helpers/fake-pipeline.js';

/**
 * A load that runs until `finish()` or until its signal aborts, rejecting then with ERR_CANCELLED
 * as the native engine does at its next weight.
 */
function controllableLoader() {
  const loads: { options: PipelineLoadOptions; finish: () => void; settled: Promise<unknown> }[] = [];
  const load = (options: PipelineLoadOptions): Promise<ServePipeline> => {
    let finish = (): void => undefined;
    const promise = new Promise<ServePipeline>((resolve, reject) => {
      finish = () => resolve(new FakePipeline(1));
      options.signal?.addEventListener('abort', () => reject(new NativeEngineError(`${options.modelDir}: cancelled while loading`, 'ERR_CANCELLED')), {
        once: true,
      });
    });
    loads.push({ options, finish, settled: promise.catch((e: unknown) => e) });
    return promise;
  };
  return { load, loads };
}

const models = { m: { dir: '/models/m' } };

describe('serve model pool: model loads are cancelled when nobody waits for them', () => {
  it('the only waiting request leaves: the native load is cancelled, not recorded as failed, and the next request loads again', async () => {
    const { load, loads } = controllableLoader();
    const pool = new ModelPool(models, load, {});
    const client = new AbortController();
    const waiting = pool.pipeline('m', client.signal);
    expect(loads).toHaveLength(1);
    expect(loads[0]!.options.signal?.aborted).toBe(false);

    client.abort(new Error('client left'));
    await expect(waiting).rejects.toThrow('client left');
    expect(loads[0]!.options.signal?.aborted).toBe(true);
    expect(await loads[0]!.settled).toMatchObject({ code: 'ERR_CANCELLED' });
    await Promise.resolve();
    expect(pool.states()[0]).toMatchObject({ loaded: false, loading: false });
    expect(pool.states()[0]!.lastError).toBeUndefined();

    const again = pool.pipeline('m');
    expect(loads).toHaveLength(2);
    loads[1]!.finish();
    await expect(again).resolves.toMatchObject({ loadedNow: true });
    expect(pool.states()[0]).toMatchObject({ loaded: true });
  });

  it('one of two waiting requests leaves: the load goes on and the other gets the pipeline', async () => {
    const { load, loads } = controllableLoader();
    const pool = new ModelPool(models, load, {});
    const leaving = new AbortController();
    const first = pool.pipeline('m', leaving.signal);
    const second = pool.pipeline('m', new AbortController().signal);
    expect(loads).toHaveLength(1);

    leaving.abort(new Error('client left'));
    await expect(first).rejects.toThrow('client left');
    expect(loads[0]!.options.signal?.aborted).toBe(false);
    loads[0]!.finish();
    await expect(second).resolves.toMatchObject({ loadedNow: true });
  });

  it('shutting the pool down cancels a load under way instead of waiting out loadWaitMs', async () => {
    const { load, loads } = controllableLoader();
    const pool = new ModelPool(models, load, {});
    const waiting = pool.pipeline('m').catch((e: unknown) => e);
    const t0 = performance.now();
    await pool.disposeAll(30_000);
    expect(performance.now() - t0).toBeLessThan(5_000);
    expect(loads[0]!.options.signal?.aborted).toBe(true);
    expect(await waiting).toMatchObject({ code: 'ERR_CANCELLED' });
    expect(pool.loadsUnderWay()).toBe(0);
  });
});

import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { readStatus } from '../../src/lease/index.js';
import { createServer, type PpbenchServer } from '../../src/serve/index.js';
import { decodePng } from '../../src/image/png-decode.js';
import { removeTempCoordDirs, tempCoordPath } from '../lease/helpers/coord.js';
import { until } from '../helpers/until.js';
import { fakeLoader, type FakeLoader } from './helpers/fake-pipeline.js';
import { getJson, postGenerate, request } from './helpers/http.js';

/*
 * What the server does around the engine — error mapping, lazy loading, queueing, concurrent
 * lease holders, cancellation and shutdown — with a fake pipeline (src/serve/model-pool.ts
 * takes any loader), on a real HTTP socket bound to 127.0.0.1 and a real status file.
 */

interface Started {
  server: PpbenchServer;
  base: string;
  loader: FakeLoader;
  coord: string;
}

const running: PpbenchServer[] = [];

async function start(overrides: { stepMs?: number; maxInflight?: number; shutdownGraceMs?: number } = {}): Promise<Started> {
  const loader = fakeLoader(overrides.stepMs ?? 20);
  const coord = tempCoordPath();
  const server = createServer({
    models: { fake: '/models/fake', broken: '/models/broken', other: { dir: '/models/other', defaults: { steps: 2, width: 128, height: 64 } } },
    port: 0,
    lease: { path: coord },
    loadPipeline: loader.load,
    ...(overrides.maxInflight ? { maxInflight: overrides.maxInflight } : {}),
    ...(overrides.shutdownGraceMs !== undefined ? { shutdownGraceMs: overrides.shutdownGraceMs } : {}),
  });
  running.push(server);
  const base = await server.listen();
  expect(base).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  return { server, base, loader, coord };
}

afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.close({ graceMs: 0 })));
});
afterAll(() => removeTempCoordDirs());


describe('ppbench serve around the engine (fake pipeline, real socket and lease file)', () => {
  it('maps engine errors to 4xx/5xx with the error code in the JSON body', async () => {
    const { base, loader, server } = await start();
    const cases: [string, number, string][] = [
      ['oom', 503, 'ERR_CUDA_OOM'],
      ['torch', 500, 'ERR_TORCH'],
      ['bad-arg', 400, 'ERR_INVALID_ARG'],
    ];
    for (const [prompt, status, code] of cases) {
      const r = await postGenerate(base, { model: 'fake', prompt });
      expect(r.status, prompt).toBe(status);
      expect(r.headers.get('content-type')).toMatch(/application\/json/);
      expect(r.json()).toMatchObject({ statusCode: status, code, message: expect.any(String) });
    }
    const broken = await postGenerate(base, { model: 'broken', prompt: 'x' });
    expect(broken.status).toBe(500);
    // The client gets the code and a message without the server's paths (issue #19, finding 6).
    expect(broken.json()).toMatchObject({ code: 'ERR_MODEL_LOAD', message: 'the model could not be loaded (details in the server log)' });
    expect(JSON.stringify(broken.json())).not.toContain('/models/');
    const health = server.health();
    expect(health.models.find((m) => m.key === 'broken')).toMatchObject({ loaded: false, lastError: { code: 'ERR_MODEL_LOAD' } });
    // A failed load is not cached: the next request tries again.
    await postGenerate(base, { model: 'broken', prompt: 'x' });
    expect(loader.loads).toBe(3); // fake once, broken twice
    expect((await readStatus({ path: server.health().gpuCoordPath })).holders).toEqual([]);
  });

  it('loads a model once, serializes its generations, and holds one backend lease per request', async () => {
    const { base, loader, coord } = await start({ stepMs: 25 });
    let maxHolders = 0;
    let watching = true;
    const watcher = (async () => {
      while (watching) {
        const s = await readStatus({ path: coord });
        if (s.busy) expect(s.owner).toBe('backend');
        maxHolders = Math.max(maxHolders, s.holders.length);
        await sleep(5);
      }
    })();
    const answers = await Promise.all([0, 1, 2].map((seed) => postGenerate(base, { model: 'fake', prompt: 'p', seed, steps: 6 })));
    watching = false;
    await watcher;
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    expect(loader.loads).toBe(1);
    const pipeline = loader.pipelines.get('/models/fake')!;
    expect(pipeline.calls).toHaveLength(3);
    expect(pipeline.maxRunning).toBe(1);
    expect(maxHolders).toBe(3);
    const queued = answers.map((a) => Number(a.headers.get('x-ppbench-queue-ms'))).sort((a, b) => a - b);
    expect(queued[2]).toBeGreaterThanOrEqual(2 * 6 * 20); // the last one waited for two generations
    expect((await readStatus({ path: coord })).holders).toEqual([]);
  });

  it('applies the model defaults, keeps an absent negative prompt absent, and "" as ""', async () => {
    const { base, loader } = await start();
    const r = await postGenerate(base, { model: 'other', prompt: 'p', seed: 7 });
    expect(r.status).toBe(200);
    expect(decodePng(r.bytes)).toMatchObject({ width: 128, height: 64 });
    expect(r.headers.get('x-ppbench-steps')).toBe('2');
    await postGenerate(base, { model: 'other', prompt: 'p', negativePrompt: '' });
    const calls = loader.pipelines.get('/models/other')!.calls;
    expect('negativePrompt' in calls[0]!).toBe(false);
    expect(calls[1]!.negativePrompt).toBe('');
    expect(calls[0]).toMatchObject({ seed: 7, steps: 2, guidance: 7.5, width: 128, height: 64 });
  });

  it('answers 503 ERR_BUSY with retry-after beyond maxInflight', async () => {
    const { base } = await start({ maxInflight: 1, stepMs: 30 });
    const first = postGenerate(base, { model: 'fake', prompt: 'p', steps: 10 });
    await sleep(60);
    const second = await postGenerate(base, { model: 'fake', prompt: 'p' });
    expect(second.status).toBe(503);
    expect(second.headers.get('retry-after')).toBe('1');
    expect(second.json()).toMatchObject({ code: 'ERR_BUSY' });
    expect((await first).status).toBe(200);
  });

  it('cancels the generation and releases the lease when the client goes away', async () => {
    const { base, loader, coord, server } = await start({ stepMs: 30 });
    const controller = new AbortController();
    const pending = postGenerate(base, { model: 'fake', prompt: 'p', steps: 100 }, { signal: controller.signal });
    await until('the lease to be held', async () => (await readStatus({ path: coord })).busy, 5000);
    await until('the generation to run', () => loader.pipelines.get('/models/fake')?.running === 1, 5000);
    const t0 = performance.now();
    controller.abort();
    await expect(pending).rejects.toThrow();
    await until('the generation to be cancelled', () => loader.pipelines.get('/models/fake')?.cancelled === 1, 5000);
    await until('the lease to be released', async () => !(await readStatus({ path: coord })).busy, 5000);
    await until('no request in flight', () => server.health().inflight === 0, 5000);
    // Stopped at the next fake step (30 ms) and released: well under a second.
    expect(performance.now() - t0).toBeLessThan(1000);
  });

  it('close() lets in-flight generations finish within the grace period, then disposes the pipelines', async () => {
    const { base, loader, server, coord } = await start({ stepMs: 20 });
    const pending = postGenerate(base, { model: 'fake', prompt: 'p', steps: 15 });
    await until('the lease to be held', async () => (await readStatus({ path: coord })).busy, 5000);
    const closed = server.close({ graceMs: 10_000 });
    expect(server.health()).toMatchObject({ ok: false, status: 'closing' });
    // No new work once closing: a new connection is refused, a kept-alive one answers 503.
    const late = await postGenerate(base, { model: 'fake', prompt: 'p' }, {}, 5000).then((a) => a.status, () => 'refused');
    expect([503, 'refused']).toContain(late);
    const answer = await pending;
    expect(answer.status).toBe(200);
    expect(decodePng(answer.bytes).width).toBe(64);
    await closed;
    expect(loader.pipelines.get('/models/fake')!.disposed).toBe(true);
    expect((await readStatus({ path: coord })).holders).toEqual([]);
    await expect(request(`${base}/healthz`, {}, 2000)).rejects.toThrow();
  });

  it('close() aborts in-flight generations after the grace period: 503 ERR_SHUTTING_DOWN, lease released', async () => {
    const { base, loader, server, coord } = await start({ stepMs: 20 });
    const pending = postGenerate(base, { model: 'fake', prompt: 'p', steps: 100 });
    await until('the generation to run', () => loader.pipelines.get('/models/fake')?.running === 1, 5000);
    const t0 = performance.now();
    await server.close({ graceMs: 100 });
    const closeMs = performance.now() - t0; // grace + one fake step + release, no keep-alive wait
    const answer = await pending;
    expect(answer.status).toBe(503);
    expect(answer.json()).toMatchObject({ code: 'ERR_SHUTTING_DOWN' });
    expect(loader.pipelines.get('/models/fake')!.cancelled).toBe(1);
    expect(closeMs).toBeLessThan(2000);
    expect((await readStatus({ path: coord })).holders).toEqual([]);
  });

  it('serves /healthz and /gpu-status, and answers unknown routes with a JSON 404', async () => {
    const { base } = await start();
    expect(await getJson(`${base}/healthz`)).toMatchObject({ ok: true, loaded: [], inflight: 0 });
    expect(await getJson(`${base}/gpu-status`)).toMatchObject({ busy: false, owner: null, since: null, holders: [] });
    const missing = await request(`${base}/nope`);
    expect(missing.status).toBe(404);
    expect(missing.json()).toMatchObject({ code: 'ERR_NOT_FOUND' });
  });

  it('rejects bad options at creation', () => {
    expect(() => createServer({ models: {} })).toThrow(/at least one model/);
    expect(() => createServer({ models: { a: '/x' }, lease: { maxWaitMs: 100 } })).toThrow(/maxWaitMs/);
    expect(() => createServer({ models: { a: '/x' }, port: 70_000 })).toThrow(/port/);
  });
});

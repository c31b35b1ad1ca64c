import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { readStatus } from '../../src/lease/index.js';
import { createServer, type PipelineLoader, type PpbenchServer, type ServeOptions } from '../../src/serve/index.js';
import { removeTempCoordDirs, tempCoordPath } from '../lease/helpers/coord.js';
import { until } from '../helpers/until.js';
import { fakeLoader } from './helpers/fake-pipeline.js';
import { getJson, postGenerate } from './helpers/http.js';

/*
 * Issue #19 on the server side, with the fake pipeline: cost caps (finding 5), SIGTERM/close()
 * with a load that never ends (finding 4), nothing about the host in /healthz and /gpu-status
 * (finding 6).
 */

const running: PpbenchServer[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.close({ graceMs: 0 })));
});
afterAll(() => removeTempCoordDirs());

async function start(options: Partial<ServeOptions> = {}, load: PipelineLoader = fakeLoader(20).load) {
  const coord = tempCoordPath();
  const server = createServer({
    models: { fake: '/models/fake', hang: '/models/hang', slow: { dir: '/models/slow', defaults: { steps: 60 } } },
    port: 0,
    lease: { path: coord },
    loadPipeline: load,
    ...options,
  });
  running.push(server);
  return { server, coord, base: await server.listen() };
}

/** A load that never ends, like a native open() blocked on a FIFO in the model folder. */
function hangingLoader(): PipelineLoader {
  const fake = fakeLoader(20);
  return (options) => (options.modelDir.endsWith('hang') ? new Promise(() => undefined) : fake.load(options));
}

describe('serve: cost caps (--max-pixels, --max-steps)', () => {
  it('defaults: 1024² pixels and 100 steps; more answer 400 ERR_LIMIT naming the field and the limit', async () => {
    const { base } = await start();
    const big = await postGenerate(base, { model: 'fake', prompt: 'p', width: 2048, height: 2048, steps: 150 });
    expect(big.status).toBe(400);
    expect(big.json()).toMatchObject({ code: 'ERR_LIMIT', limit: 100, field: 'steps' });
    const wide = await postGenerate(base, { model: 'fake', prompt: 'p', width: 2048, height: 1024, steps: 2 });
    expect(wide.status).toBe(400);
    expect(wide.json()).toMatchObject({ code: 'ERR_LIMIT', limit: 1024 * 1024, message: expect.stringContaining('2048x1024') });
    const ok = await postGenerate(base, { model: 'fake', prompt: 'p', width: 128, height: 64, steps: 2 });
    expect(ok.status).toBe(200);
  });

  it('applies to the model defaults as well, and is configurable', async () => {
    const { base } = await start({ maxSteps: 50, maxPixels: 64 * 64 });
    const slow = await postGenerate(base, { model: 'slow', prompt: 'p' });
    expect(slow.status).toBe(400);
    expect(slow.json()).toMatchObject({ code: 'ERR_LIMIT', field: 'steps', limit: 50 });
    const wide = await postGenerate(base, { model: 'fake', prompt: 'p', width: 128, steps: 1 });
    expect(wide.status).toBe(400);
    expect((await postGenerate(base, { model: 'fake', prompt: 'p', steps: 1 })).status).toBe(200);
  });
});

describe('serve: close() with a model load that never ends', () => {
  it('answers 503 ERR_SHUTTING_DOWN after the grace period, releases the lease and finishes closing', async () => {
    const { server, base, coord } = await start({}, hangingLoader());
    const pending = postGenerate(base, { model: 'hang', prompt: 'p', steps: 2 }, {}, 20_000);
    await until('the load to start under the lease', async () => (await readStatus({ path: coord })).busy, 5000);
    const t0 = performance.now();
    await server.close({ graceMs: 200 });
    const closeMs = performance.now() - t0;
    const answer = await pending;
    expect(answer.status).toBe(503);
    expect(answer.json()).toMatchObject({ code: 'ERR_SHUTTING_DOWN' });
    expect((await readStatus({ path: coord })).holders).toEqual([]);
    // grace + the 2 s close() gives a load under way to end, + slack.
    expect(closeMs).toBeLessThan(200 + 2000 + 2000);
  });

  it('a client that leaves during the load is answered at once and its lease released', async () => {
    const { server, base, coord } = await start({}, hangingLoader());
    const controller = new AbortController();
    const pending = postGenerate(base, { model: 'hang', prompt: 'p', steps: 2 }, { signal: controller.signal }, 20_000);
    await until('the load to start under the lease', async () => (await readStatus({ path: coord })).busy, 5000);
    controller.abort();
    await expect(pending).rejects.toThrow();
    await until('the lease to be released', async () => !(await readStatus({ path: coord })).busy, 2000);
    await until('no request in flight', () => server.health().inflight === 0, 2000);
  });
});

describe('serve: /healthz, /gpu-status and errors say nothing about the host', () => {
  const leaks = (text: string, coord: string): string[] =>
    ['/models/', coord, '"pid"', '"host"', 'gpuCoordPath', '"dir"', '"path"'].filter((s) => text.includes(s));

  it('by default: no paths, hosts, pids or raw load errors', async () => {
    const broken: PipelineLoader = async ({ modelDir }) => {
      throw Object.assign(new Error(`${modelDir}/unet/config.json: missing`), { code: 'ERR_MODEL_LOAD' });
    };
    const { base, coord, server } = await start({}, broken);
    const failed = await postGenerate(base, { model: 'fake', prompt: 'p', steps: 1 });
    expect(failed.status).toBe(500);
    expect(leaks(JSON.stringify(failed.json()), coord)).toEqual([]);
    const lease = await import('../../src/lease/index.js').then((l) => l.acquireGpuLease('backend', { path: coord, handleSignals: false }));
    try {
      const health = JSON.stringify(await getJson(`${base}/healthz`));
      const gpu = await getJson(`${base}/gpu-status`);
      expect(leaks(health, coord)).toEqual([]);
      expect(health).toContain('"lastError":{"code":"ERR_MODEL_LOAD"}');
      expect(gpu).toMatchObject({ busy: true, owner: 'backend', holders: [expect.objectContaining({ id: lease.id })] });
      expect(leaks(JSON.stringify(gpu), coord)).toEqual([]);
    } finally {
      await lease.release();
    }
    // The operator's own view keeps everything.
    expect(server.health().gpuCoordPath).toBe(coord);
  });

  it('with exposeDetails (--expose-details): folders, the lease file, hosts and pids', async () => {
    const { base, coord } = await start({ exposeDetails: true });
    const lease = await import('../../src/lease/index.js').then((l) => l.acquireGpuLease('backend', { path: coord, handleSignals: false }));
    try {
      expect(await getJson(`${base}/healthz`)).toMatchObject({ gpuCoordPath: coord, models: expect.arrayContaining([expect.objectContaining({ dir: '/models/fake' })]) });
      expect(await getJson(`${base}/gpu-status`)).toMatchObject({ path: coord, holders: [expect.objectContaining({ pid: process.pid })] });
    } finally {
      await lease.release();
    }
  });
});

describe('serve: GET /openapi.json (#13)', () => {
  it('describes POST /generate with the body schema that validates it, and the two GET routes', async () => {
    const { base } = await start({ maxPromptLength: 500 });
    const doc = await getJson(`${base}/openapi.json`);
    expect(doc.openapi).toMatch(/^3\./);
    const paths = doc.paths as Record<string, Record<string, Record<string, unknown>>>;
    expect(Object.keys(paths).sort()).toEqual(['/generate', '/gpu-status', '/healthz']);
    const body = (paths['/generate']!.post!.requestBody as { content: Record<string, { schema: Record<string, unknown> }> })
      .content['application/json']!.schema;
    expect(body).toMatchObject({ type: 'object', additionalProperties: false, required: ['model', 'prompt'] });
    const props = body.properties as Record<string, Record<string, unknown>>;
    expect(Object.keys(props)).toEqual(
      expect.arrayContaining(['model', 'prompt', 'prompt2', 'negativePrompt', 'negativePrompt2', 'seed', 'steps', 'guidance', 'guidanceRescale', 'width', 'height', 'scheduler']),
    );
    expect(props.prompt).toMatchObject({ type: 'string', maxLength: 500 });
    expect(props.steps).toMatchObject({ type: 'integer', minimum: 1, maximum: 150 });
    // Validation stays with the server's own checks: a bad field is still ERR_VALIDATION with issues.
    const bad = await postGenerate(base, { model: 'fake', prompt: 'p', steps: 'many' });
    expect(bad.status).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'ERR_VALIDATION', issues: [expect.objectContaining({ field: 'steps' })] });
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultDemoRoot } from '../../src/demo/index.js';
import { decodePng } from '../../src/image/png-decode.js';
import { readPngText } from '../../src/store/png/text-chunks.js';
import { readStatus } from '../../src/lease/index.js';
import { createServer, demoServeModels, type PpbenchServer } from '../../src/serve/index.js';
import { until } from '../helpers/until.js';
import { removeTempCoordDirs, tempCoordPath } from '../lease/helpers/coord.js';
import { getJson, postGenerate, timingHeaders } from './helpers/http.js';

/*
 * The server on the native engine with the demo models (CPU, fp32, 64×64), in this process,
 * on 127.0.0.1: the routes, the validation answers, and real PNGs with their timing headers.
 */
describe('ppbench serve on the demo models (native engine)', () => {
  let server: PpbenchServer;
  let base: string;
  let coord: string;

  beforeAll(async () => {
    coord = tempCoordPath();
    server = createServer({ models: await demoServeModels(defaultDemoRoot()), port: 0, lease: { path: coord } });
    base = await server.listen();
  });

  afterAll(async () => {
    await server?.close({ graceMs: 0 });
    removeTempCoordDirs();
  });

  it('GET /healthz lists the models, none loaded yet; GET /gpu-status is free', async () => {
    const health = await getJson(`${base}/healthz`);
    expect(health).toMatchObject({ ok: true, status: 'ok', device: 'cpu', dtype: 'fp32', loaded: [], inflight: 0 });
    expect((health.models as { key: string }[]).map((m) => m.key)).toEqual(
      expect.arrayContaining(['sd15', 'sd21', 'sd-turbo', 'sdxl-base', 'sdxl-turbo', 'ssd1b', 'playground25']),
    );
    expect(await getJson(`${base}/gpu-status`)).toMatchObject({ busy: false, owner: null, since: null, holders: [], want: [] });
  });

  it.each([
    ['model', { prompt: 'x' }],
    ['prompt', { model: 'sd15' }],
    ['prompt', { model: 'sd15', prompt: '' }],
    ['prompt', { model: 'sd15', prompt: 'x'.repeat(2001) }],
    ['steps', { model: 'sd15', prompt: 'x', steps: 151 }],
    ['steps', { model: 'sd15', prompt: 'x', steps: 2.5 }],
    ['width', { model: 'sd15', prompt: 'x', width: 100 }],
    ['height', { model: 'sd15', prompt: 'x', height: 4096 }],
    ['guidance', { model: 'sd15', prompt: 'x', guidance: -1 }],
    ['seed', { model: 'sd15', prompt: 'x', seed: -3 }],
    ['negativePrompt', { model: 'sd15', prompt: 'x', negativePrompt: null }],
    ['scheduler', { model: 'sd15', prompt: 'x', scheduler: 'Euler; rm -rf' }],
    ['negative_prompt', { model: 'sd15', prompt: 'x', negative_prompt: 'typo' }],
  ])('400 ERR_VALIDATION naming the field: %s', async (field, body) => {
    const r = await postGenerate(base, body);
    expect(r.status).toBe(400);
    const answer = r.json();
    expect(answer).toMatchObject({ statusCode: 400, code: 'ERR_VALIDATION', message: expect.stringContaining(field) });
    expect((answer.issues as { field: string }[]).map((i) => i.field)).toContain(field);
  });

  it('400 ERR_UNKNOWN_MODEL listing the known models', async () => {
    const r = await postGenerate(base, { model: 'sd99', prompt: 'x' });
    expect(r.status).toBe(400);
    expect(r.json()).toMatchObject({
      code: 'ERR_UNKNOWN_MODEL',
      field: 'model',
      knownModels: expect.arrayContaining(['sd15', 'sdxl-base']),
      message: expect.stringMatching(/unknown model "sd99" \(known: .*sd15.*\)/),
    });
  });

  it('rejects a body over 64 KiB (413), malformed JSON (400) and other media types (415)', async () => {
    const big = await postGenerate(base, { model: 'sd15', prompt: 'x', pad: 'y'.repeat(70 * 1024) });
    expect(big.status).toBe(413);
    expect(big.json()).toMatchObject({ code: 'FST_ERR_CTP_BODY_TOO_LARGE' });
    const malformed = await postGenerate(base, '{"model": "sd15",');
    expect(malformed.status).toBe(400);
    expect(malformed.json()).toMatchObject({ statusCode: 400, code: 'ERR_JSON_SYNTAX' });
    const deep = await postGenerate(base, '{"model":'.repeat(5000) + '1' + '}'.repeat(5000));
    expect(deep.status).toBe(400);
    expect(deep.json()).toMatchObject({ statusCode: 400, code: 'ERR_JSON_TOO_DEEP' });
    const text = await postGenerate(base, 'model=sd15', { headers: { 'content-type': 'text/plain' } });
    expect(text.status).toBe(415);
  });

  it('POST /generate answers a valid PNG with the timing headers; the pipeline is loaded once and reused', async () => {
    const body = { model: 'sdxl-turbo', prompt: 'a red bicycle leaning against a white fence', seed: 42 };
    const first = await postGenerate(base, body);
    expect(first.status, Buffer.from(first.bytes).toString()).toBe(200);
    expect(first.headers.get('content-type')).toBe('image/png');
    const image = decodePng(first.bytes, 'response');
    expect([image.width, image.height]).toEqual([64, 64]);
    const t = timingHeaders(first.headers);
    for (const [name, v] of Object.entries(t)) expect(v, name).toBeGreaterThanOrEqual(0);
    expect(first.headers.get('x-ppbench-overlap')).toBe('false');
    expect(first.headers.get('x-ppbench-seed')).toBe('42');
    expect(first.headers.get('x-ppbench-steps')).toBe('2'); // the demo setting of sdxl-turbo
    expect(first.headers.get('server-timing')).toMatch(/lease;dur=[\d.]+, load;dur=[\d.]+/);
    expect(t['load-ms']).toBeGreaterThan(0);
    expect(t['total-ms']).toBeGreaterThanOrEqual(t['generate-ms']!);
    const text = readPngText(Buffer.from(first.bytes), 'response');
    expect(text.get('prompt')).toBe(body.prompt);
    expect(text.get('seed')).toBe('42');

    const again = await postGenerate(base, body);
    expect(timingHeaders(again.headers)['load-ms']).toBe(0);
    expect(Buffer.from(again.bytes).equals(Buffer.from(first.bytes))).toBe(true); // same seed, same bytes
    const other = await postGenerate(base, { ...body, seed: 43 });
    expect(Buffer.from(other.bytes).equals(Buffer.from(first.bytes))).toBe(false);
    const health = await getJson(`${base}/healthz`);
    expect(health.loaded).toEqual(['sdxl-turbo']);
    console.log(`demo sdxl-turbo 64x64, 2 steps: first ${JSON.stringify(t)}; warm ${JSON.stringify(timingHeaders(again.headers))}`);
  });

  it('keeps an absent negative prompt distinct from "" (SDXL: zero embeddings vs an encoded empty prompt)', async () => {
    const base64 = async (extra: object) => {
      const r = await postGenerate(base, { model: 'sdxl-base', prompt: 'three yellow ducks', seed: 5, steps: 2, ...extra });
      expect(r.status).toBe(200);
      return Buffer.from(r.bytes).toString('base64');
    };
    const absent = await base64({});
    const empty = await base64({ negativePrompt: '' });
    expect(empty).not.toBe(absent);
    expect(await base64({ negativePrompt: '' })).toBe(empty);
  });

  it('takes sizes other than the default, and maps an unknown scheduler to 400 ERR_INVALID_ARG from the engine', async () => {
    const wide = await postGenerate(base, { model: 'sd-turbo', prompt: 'a lighthouse', width: 128, height: 64, seed: 1 });
    expect(wide.status).toBe(200);
    expect(decodePng(wide.bytes)).toMatchObject({ width: 128, height: 64 });
    const r = await postGenerate(base, { model: 'sd-turbo', prompt: 'x', scheduler: 'NoSuchScheduler' });
    expect(r.status).toBe(400);
    expect(r.json()).toMatchObject({ code: 'ERR_INVALID_ARG', message: expect.stringContaining('NoSuchScheduler') });
    expect((await getJson(`${base}/gpu-status`)).holders).toEqual([]);
  });

  it('a client that leaves mid-generation stops it at the next step: lease released, nothing in flight (issue #19, finding 5)', async () => {
    const controller = new AbortController();
    const body = { model: 'sd15', prompt: 'left early', seed: 3, steps: 100 };
    const pending = postGenerate(base, body, { signal: controller.signal }, 120_000).catch((err: Error) => err);
    await until('the generation to hold the lease', async () => (await readStatus({ path: coord })).busy, 30_000);
    await new Promise((resolve) => setTimeout(resolve, 300)); // into the denoising loop
    const t0 = performance.now();
    controller.abort();
    await pending;
    await until('the lease to be released', async () => !(await readStatus({ path: coord })).busy, 10_000);
    await until('no request in flight', () => server.health().inflight === 0, 10_000);
    const stopMs = performance.now() - t0;
    // One demo step is a few ms to tens of ms; the whole 100-step image takes seconds.
    expect(stopMs).toBeLessThan(1500);
    console.log(`demo: client left, generation stopped and lease released after ${stopMs.toFixed(0)} ms`);
  });
});

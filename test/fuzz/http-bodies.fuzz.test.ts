import { afterAll, describe, expect, it } from 'vitest';
import { createServer } from '../../src/serve/index.js';
import { removeTempCoordDirs, tempCoordPath } from '../lease/helpers/coord.js';
import { fakeLoader } from '../serve/helpers/fake-pipeline.js';
import { hostileText, hostileValue, mutate, rng } from './helpers/hostile-json.js';

afterAll(() => removeTempCoordDirs());

/*
 * Issue #19 fuzz corpus, HTTP side: seeded hostile requests to POST /generate (and a few other
 * routes) on the real Fastify app with the fake pipeline. Each must end within a time bound in
 * a valid PNG or a 4xx JSON answer with a code, never a 5xx and never a server path.
 */
const SEED = 19_2026;
const CASES = 1000;
const CASE_MS = 5000;
const VALID = { model: 'fake', prompt: 'a red bicycle', seed: 1, steps: 2, width: 64, height: 64, guidance: 7.5 };
const FIELDS = ['model', 'prompt', 'prompt2', 'negativePrompt', 'negativePrompt2', 'seed', 'steps', 'guidance', 'guidanceRescale', 'width', 'height', 'scheduler'];
const CONTENT_TYPES = ['application/json', 'application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/octet-stream', ''];

interface Case {
  method: 'POST' | 'GET' | 'PUT' | 'DELETE';
  url: string;
  contentType: string;
  payload?: string;
}

function makeCase(i: number): Case {
  const r = rng(SEED + i);
  const valid = JSON.stringify(VALID);
  switch (r.int(0, 9)) {
    case 0: return { method: 'POST', url: '/generate', contentType: r.pick(CONTENT_TYPES), payload: valid };
    case 1: return { method: 'POST', url: '/generate', contentType: 'application/json', payload: 'x'.repeat(r.int(64 << 10, 300 << 10)) };
    case 2: return { method: r.pick(['GET', 'PUT', 'DELETE'] as const), url: r.pick(['/generate', '/healthz/..', '/%00', `/${'a'.repeat(r.int(1, 4000))}`, '/gpu-status?x=1']), contentType: 'application/json' };
    case 3: case 4: return { method: 'POST', url: '/generate', contentType: 'application/json', payload: hostileText(r, valid) };
    case 5: return { method: 'POST', url: '/generate', contentType: 'application/json', payload: JSON.stringify(hostileValue(r, 5)) };
    default: return { method: 'POST', url: '/generate', contentType: 'application/json', payload: JSON.stringify(mutate(r, VALID, FIELDS)) };
  }
}

describe('fuzz: hostile HTTP requests to ppbench serve', () => {
  it(`${CASES} seeded cases: a PNG or a coded 4xx within ${CASE_MS} ms each, no 5xx, no paths, bounded memory`, async () => {
    const server = createServer({ models: { fake: '/models/fake' }, lease: { path: tempCoordPath() }, loadPipeline: fakeLoader(1).load, maxSteps: 4 });
    const statuses = new Map<number, number>();
    const problems: string[] = [];
    const baseRss = process.memoryUsage().rss;
    let worst = { rssMb: 0, index: -1, ms: 0 };
    const started = performance.now();
    try {
      for (let i = 0; i < CASES; i++) {
        const c = makeCase(i);
        const t0 = performance.now();
        const res = await Promise.race([
          server.app.inject({ method: c.method, url: c.url, headers: c.contentType ? { 'content-type': c.contentType } : {}, ...(c.payload !== undefined ? { payload: c.payload } : {}) }),
          new Promise<null>((resolve) => setTimeout(() => resolve(null), CASE_MS)),
        ]);
        const ms = performance.now() - t0;
        const rssMb = (process.memoryUsage().rss - baseRss) / 2 ** 20;
        if (rssMb > worst.rssMb) worst = { rssMb, index: i, ms };
        if (res === null) {
          problems.push(`case ${i}: no answer within ${CASE_MS} ms`);
          continue;
        }
        statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
        if (res.statusCode === 200) {
          // POST /generate answers a PNG; the GET routes (hit by some cases) answer JSON.
          const expected = c.method === 'POST' ? 'image/png' : 'application/json';
          const type = String(res.headers['content-type']);
          if (!type.startsWith(expected)) problems.push(`case ${i}: 200 ${c.method} ${c.url.slice(0, 40)} answered ${type}`);
          continue;
        }
        let body: { code?: unknown; message?: unknown } = {};
        try {
          body = res.json();
        } catch {
          problems.push(`case ${i}: ${res.statusCode} without a JSON body`);
        }
        if (res.statusCode >= 500) problems.push(`case ${i}: ${res.statusCode} ${String(body.code)} ${String(body.message)}`);
        if (typeof body.code !== 'string' || !/^(ERR|FST)_[A-Z0-9_]+$/.test(body.code)) problems.push(`case ${i}: no error code (${String(body.code)})`);
        if (typeof body.message === 'string' && body.message.includes('/models/')) problems.push(`case ${i}: a server path in "${body.message}"`);
      }
    } finally {
      await server.close({ graceMs: 0 });
    }
    expect(problems).toEqual([]);
    expect(statuses.get(200) ?? 0, 'some cases must still be valid requests').toBeGreaterThan(0);
    expect(worst.rssMb).toBeLessThan(512);
    console.log(
      `fuzz http: ${CASES} cases in ${((performance.now() - started) / 1000).toFixed(1)} s; statuses ${JSON.stringify(Object.fromEntries(statuses))}; ` +
        `peak RSS growth ${worst.rssMb.toFixed(1)} MB (case ${worst.index})`,
    );
  }, 60_000);
});

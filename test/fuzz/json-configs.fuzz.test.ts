import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { jsonObject } from '../../src/cli/option-parsers.js';
import { loadRunConfig } from '../../src/config/load-run-config.js';
import { projectRoot } from '../helpers/shared.js';
import { resolveLeaseOptions } from '../../src/lease/options.js';
import { parseStatusText } from '../../src/lease/status-file.js';
import { parseServeOptions } from '../../src/serve/server-options.js';
import type { ServeOptions } from '../../src/serve/index.js';
import { hostileText, hostileValue, mutate, rng } from './helpers/hostile-json.js';

/*
 * Issue #19 fuzz corpus, JSON configs: seeded hostile run configs (files), --scheduler-config
 * values, lease options, server options and status.json contents. Each ends, within a time
 * bound, in a value or an error with a stable code; nothing else escapes (no stack overflow,
 * no TypeError).
 */
const SEED = 8_2026;
const CASES = 300;
const CASE_MS = 2000;
/** RSS growth allowed over a whole fuzz run (a 1 MB deep document must not become a huge object graph). */
const MAX_RSS_GROWTH_MB = 256;
const CODE = /^(ERR_[A-Z0-9_]+|commander\.invalidArgument)$/;

const dir = mkdtempSync(path.join(os.tmpdir(), 'ppbench-fuzz-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const defaultConfig = JSON.parse(readFileSync(path.join(projectRoot, 'research', 'configs', 'default.json'), 'utf8')) as Record<string, unknown>;
const CONFIG_KEYS = [...Object.keys(defaultConfig), 'lease', 'threads', 'resultsDir', 'fake', 'demo', 'retries'];
const LEASE_KEYS = ['pollMs', 'heartbeatMs', 'staleMs', 'maxWaitMs', 'maxHoldMs', 'lockStaleMs', 'settleMs', 'path', 'label', 'maxEventsBytes'];
const SERVE_KEYS = ['host', 'port', 'device', 'dtype', 'bodyLimit', 'maxPromptLength', 'maxInflight', 'shutdownGraceMs', 'maxPixels', 'maxSteps', 'exposeDetails'];

interface Outcome {
  problems: string[];
  accepted: number;
  rejected: Map<string, number>;
  slowestMs: number;
  peakRssGrowthMb: number;
}

/** Runs `attempt` per case: a return or a coded throw is fine; anything else is a problem. */
function fuzz(name: string, attempt: (i: number) => unknown): Outcome {
  const out: Outcome = { problems: [], accepted: 0, rejected: new Map(), slowestMs: 0, peakRssGrowthMb: 0 };
  const baseRss = process.memoryUsage().rss;
  for (let i = 0; i < CASES; i++) {
    const t0 = performance.now();
    try {
      attempt(i);
      out.accepted++;
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      if (typeof code !== 'string' || !CODE.test(code)) out.problems.push(`${name} case ${i}: uncoded ${(err as Error).name}: ${(err as Error).message?.slice(0, 200)}`);
      else out.rejected.set(code, (out.rejected.get(code) ?? 0) + 1);
    }
    const ms = performance.now() - t0;
    out.slowestMs = Math.max(out.slowestMs, ms);
    if (ms > CASE_MS) out.problems.push(`${name} case ${i}: took ${ms.toFixed(0)} ms`);
    out.peakRssGrowthMb = Math.max(out.peakRssGrowthMb, (process.memoryUsage().rss - baseRss) / 2 ** 20);
  }
  if (out.peakRssGrowthMb > MAX_RSS_GROWTH_MB) out.problems.push(`${name}: RSS grew by ${out.peakRssGrowthMb.toFixed(0)} MB`);
  console.log(`fuzz ${name}: ${CASES} cases, ${out.accepted} accepted, rejected ${JSON.stringify(Object.fromEntries(out.rejected))}, slowest ${out.slowestMs.toFixed(1)} ms, peak RSS growth ${out.peakRssGrowthMb.toFixed(1)} MB`);
  return out;
}

describe('fuzz: hostile JSON configs', () => {
  it(`run config files: ${CASES} seeded cases end in a config or ERR_*`, () => {
    const valid = JSON.stringify(defaultConfig);
    const out = fuzz('run config', (i) => {
      const r = rng(SEED + i);
      const text = r.chance(0.4) ? hostileText(r, valid) : JSON.stringify(mutate(r, defaultConfig, CONFIG_KEYS));
      const file = path.join(dir, `config-${i}.json`);
      writeFileSync(file, text);
      return loadRunConfig(file);
    });
    expect(out.problems).toEqual([]);
    expect(out.rejected.get('ERR_JSON_TOO_DEEP') ?? 0).toBeGreaterThan(0);
  });

  it(`--scheduler-config values: ${CASES} seeded cases end in an object or a coded error`, () => {
    const valid = JSON.stringify({ timestep_spacing: 'trailing', steps_offset: 1, prediction_type: 'epsilon' });
    const out = fuzz('scheduler config', (i) => {
      const r = rng(SEED * 3 + i);
      return jsonObject(r.chance(0.5) ? hostileText(r, valid) : JSON.stringify(hostileValue(r, 8)));
    });
    expect(out.problems).toEqual([]);
  });

  it(`lease and server options: ${CASES} seeded cases each end in options or ERR_*`, () => {
    const lease = fuzz('lease options', (i) => {
      const r = rng(SEED * 5 + i);
      return resolveLeaseOptions(mutate(r, { pollMs: 50, heartbeatMs: 250, staleMs: 1500, path: path.join(dir, 's.json') }, LEASE_KEYS) as never);
    });
    const serve = fuzz('serve options', (i) => {
      const r = rng(SEED * 7 + i);
      return parseServeOptions(mutate(r, { models: { a: '/m' }, port: 0 }, SERVE_KEYS) as unknown as ServeOptions);
    });
    expect([...lease.problems, ...serve.problems]).toEqual([]);
  });

  it(`status.json contents: ${CASES} seeded cases are classified, never thrown`, () => {
    const valid = JSON.stringify({ version: 1, owner: 'backend', since: new Date(0).toISOString(), holders: [{ id: 'a', owner: 'backend', since: new Date(0).toISOString() }], want: [] });
    const kinds = new Map<string, number>();
    for (let i = 0; i < CASES; i++) {
      const r = rng(SEED * 11 + i);
      const text = r.chance(0.5) ? hostileText(r, valid) : JSON.stringify(mutate(r, JSON.parse(valid) as Record<string, unknown>, ['version', 'owner', 'since', 'holders', 'want']));
      const kind = parseStatusText(text, 0).kind;
      kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
    }
    expect([...kinds.keys()].every((k) => ['empty', 'v0', 'v1', 'corrupt'].includes(k))).toBe(true);
    expect(kinds.get('corrupt') ?? 0).toBeGreaterThan(0);
    console.log(`fuzz status.json: ${CASES} cases, ${JSON.stringify(Object.fromEntries(kinds))}`);
  });
});

import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, expect, it } from 'vitest';
import { defaultDemoRoot, ensureDemoModels } from '../../src/demo/index.js';
import { decodePng } from '../../src/image/png-decode.js';
import { readLeaseEvents, readStatus } from '../../src/lease/index.js';
import { startProcess, type Proc } from '../helpers/child-process.js';
import { projectRoot } from '../helpers/shared.js';
import { removeTempCoordDirs, tempCoordPath } from '../lease/helpers/coord.js';
import { buildCliForChildren, serveChildEnv } from './helpers/build.js';
import { postGenerate, timingHeaders } from './helpers/http.js';
import { startServeProcess } from './helpers/processes.js';

/*
 * The real thing on CPU: `ppbench serve` and a real `ppbench run` (native engine, demo models,
 * lease enabled) as two processes of the compiled CLI on one status file. Requests sent while
 * the run generates preempt it between UNet steps; the run redoes the preempted images and
 * completes; nothing overlaps.
 */
const processes: Proc[] = [];
const dirs: string[] = [];

afterAll(async () => {
  await Promise.all(processes.map((p) => p.stop(3000)));
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  removeTempCoordDirs();
});

it('/generate completes while a real `ppbench run` on the demo models holds the lease, preempting it', async () => {
  const cli = buildCliForChildren();
  const demoDir = defaultDemoRoot();
  await ensureDemoModels(demoDir);
  const coord = tempCoordPath();
  const work = mkdtempSync(path.join(existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir(), 'ppbench-serve-run-'));
  dirs.push(work);

  // The demo config as it is, with the lease on (it is off by default on CPU).
  const configsDir = path.join(projectRoot, 'research', 'configs');
  const demo = JSON.parse(readFileSync(path.join(configsDir, 'demo.json'), 'utf8')) as Record<string, unknown> & {
    prompts: { file: string };
  };
  const config = {
    ...demo,
    prompts: { ...demo.prompts, file: path.resolve(configsDir, demo.prompts.file) },
    resultsDir: path.join(work, 'results'),
    lease: { enabled: true },
    retries: { preempted: 100 },
  };
  const configFile = path.join(work, 'demo-lease.json');
  writeFileSync(configFile, JSON.stringify(config));
  const env = { GPU_COORD_PATH: coord, PPBENCH_DEMO_DIR: demoDir };

  const server = await startServeProcess(['--port', '0', '--demo', '--demo-dir', demoDir, '--log-level', 'warn'], env, { cli });
  processes.push(server);
  expect((await postGenerate(server.base, { model: 'sd15', prompt: 'warm-up', seed: 0 }, {}, 120_000)).status).toBe(200);

  const run = startProcess(
    [cli, 'run', '--config', configFile, '--models', 'sdxl-base,ssd1b', '--limit-prompts', '40', '--no-scoring', '--new'],
    serveChildEnv(env),
  );
  processes.push(run);
  let runEnded = false;
  void run.exited.then(() => (runEnded = true));
  const end = performance.now() + 90_000;
  while ((await readStatus({ path: coord })).owner !== 'benchmark') {
    if (runEnded || performance.now() > end) throw new Error(`the run never held the lease; stderr:\n${run.stderr().slice(-2000)}`);
    await sleep(20);
  }

  const waits: number[] = [];
  const preemptions = async () =>
    (await readLeaseEvents(coord)).events.filter((e) => e.owner === 'benchmark' && e.type === 'preempted').length;
  for (let i = 0; i < 30 && !runEnded && (waits.length < 8 || (await preemptions()) < 3); i++) {
    await sleep(100 + ((i * 97) % 300));
    const r = await postGenerate(server.base, { model: 'sd15', prompt: `request ${i}`, seed: i }, {}, 30_000);
    expect(r.status, Buffer.from(r.bytes).toString()).toBe(200);
    expect(decodePng(r.bytes).width).toBe(64);
    expect(r.headers.get('x-ppbench-overlap')).toBe('false');
    waits.push(timingHeaders(r.headers)['lease-wait-ms']!);
  }

  const exit = await run.exited;
  expect(exit, run.stderr().slice(-3000)).toEqual({ code: 0, signal: null });
  const out = run.lines.join('\n');
  // Every image made, the preempted ones included (redone after the backend was served).
  expect(out).toMatch(/^sdxl-base\s+40\s+0\s+0\b/m);
  expect(out).toMatch(/^ssd1b\s+40\s+0\s+0\b/m);

  const events = (await readLeaseEvents(coord)).events;
  const preempted = events.filter((e) => e.owner === 'benchmark' && e.type === 'preempted');
  const waited = events.filter((e) => e.owner === 'backend' && e.type === 'waited').map((e) => Number(e.waitedMs));
  expect(preempted.length).toBeGreaterThanOrEqual(1);
  expect(events.filter((e) => e.type === 'overlap')).toEqual([]);
  const sorted = [...waits].sort((a, b) => a - b);
  console.log(
    `${waits.length} requests during a real demo run: lease wait min ${sorted[0]} / median ${sorted[Math.floor(sorted.length / 2)]} / ` +
      `max ${sorted.at(-1)} ms; ${preempted.length} preemptions, backend waited ${waited.length}x ` +
      `(max ${Math.max(0, ...waited).toFixed(1)} ms), 0 overlaps`,
  );
  // One UNet evaluation or VAE decode of a 64 px demo model plus a poll: far below maxWaitMs (2 s).
  expect(Math.max(...waits)).toBeLessThan(1000);

  await server.stop(10_000);
  expect(await server.exited).toEqual({ code: 0, signal: null });
  expect(await readStatus({ path: coord })).toMatchObject({ busy: false, holders: [], want: [] });
});

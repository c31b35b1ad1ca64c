import { readFileSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readLeaseEvents } from '../../src/lease/index.js';
import type { Proc } from '../helpers/child-process.js';
import { buildLeaseForChildren } from './helpers/build.js';
import { startChild } from './helpers/children.js';
import { removeTempCoordDirs, tempCoordPath } from './helpers/coord.js';

afterAll(removeTempCoordDirs);

let lib = '';
const children: Proc[] = [];
beforeAll(() => {
  lib = buildLeaseForChildren().lib;
});
afterEach(() => {
  for (const c of children.splice(0)) if (c.child.exitCode === null && c.child.signalCode === null) c.child.kill('SIGKILL');
});

function child(script: string, config: Record<string, unknown>): Proc {
  const proc = startChild(script, config);
  children.push(proc);
  return proc;
}

interface Interval {
  owner: string;
  id?: string;
  start: number;
  end: number;
  overlap?: boolean;
  state?: string;
  rewrites?: number;
}

const readLog = (file: string): Interval[] =>
  readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Interval);

const overlapMs = (a: Interval, b: Interval): number => Math.min(a.end, b.end) - Math.max(a.start, b.start);

/*
 * Issue #19, finding 3: a writer rewriting status.json in place (truncate, then write) beside
 * 2 backends and 1 benchmark. Before the settle rule a reader could catch the file empty, take
 * it for a release and write over a live holder (an overlap nobody recorded).
 */
describe('GPU lease chaos: an in-place rewriter beside 2 backends + 1 benchmark', () => {
  it('≥ 2,000 rounds: no two owners ever hold together, no overlap event, no lost release', async () => {
    const statusPath = tempCoordPath();
    const dir = path.dirname(statusPath);
    const logPath = path.join(dir, 'intervals.jsonl');
    const stopPath = path.join(dir, 'stop');
    // settleMs far above the rewriter's pauses (1–3 ms): a loaded 2-core machine can stall a process for tens of ms.
    const options = { pollMs: 5, heartbeatMs: 50, staleMs: 1500, maxWaitMs: 2000, settleMs: 150, maxEventsBytes: 64 << 20 };
    const common = { mode: 'stress', lib, path: statusPath, logPath, options, stepMs: 2 };
    const rounds = { backend: 650, benchmark: 700 };
    const started = performance.now();
    const rewriter = child('in-place-rewriter.mjs', { path: statusPath, logPath, stopPath, gapMs: [50, 150], pauseMs: [1, 3], maxMs: 120_000 });
    const workers = [
      child('worker.mjs', { ...common, owner: 'backend', rounds: rounds.backend, holdMs: [0, 4], gapMs: [0, 15] }),
      child('worker.mjs', { ...common, owner: 'backend', rounds: rounds.backend, holdMs: [0, 4], gapMs: [0, 15] }),
      child('worker.mjs', { ...common, owner: 'benchmark', rounds: rounds.benchmark, holdMs: [1, 6], gapMs: [0, 3], yield: true }),
    ];
    const exits = await Promise.race([Promise.all(workers.map((w) => w.exited)), sleep(100_000).then(() => null)]);
    writeFileSync(stopPath, '');
    expect(exits, 'deadlock: workers still running after 100 s').not.toBeNull();
    for (const [i, exit] of exits!.entries()) expect(exit, workers[i]!.stderr()).toMatchObject({ code: 0 });
    expect(await rewriter.exited, rewriter.stderr()).toMatchObject({ code: 0 });

    const log = readLog(logPath);
    const rewrites = log.find((l) => l.owner === 'rewriter')?.rewrites ?? 0;
    const backends = log.filter((i) => i.owner === 'backend');
    const benchmarks = log.filter((i) => i.owner === 'benchmark');
    expect(backends).toHaveLength(2 * rounds.backend);
    expect(benchmarks).toHaveLength(rounds.benchmark);
    const wallS = (performance.now() - started) / 1000;
    // At least one rewrite per second of the run: the readers had many chances to catch one.
    expect(rewrites).toBeGreaterThanOrEqual(Math.floor(wallS));

    const together: string[] = [];
    for (const k of benchmarks) {
      for (const b of backends) {
        if (overlapMs(k, b) > 0) together.push(`${b.id} and ${k.id} held together for ${overlapMs(k, b).toFixed(2)} ms`);
      }
    }
    expect(together).toEqual([]);
    const { events } = await readLeaseEvents(statusPath);
    const count = (type: string): number => events.filter((e) => e.type === type).length;
    expect(count('overlap')).toBe(0);
    expect(events.filter((e) => e.type === 'acquired' && e.detail?.overlap === true)).toEqual([]);
    expect(benchmarks.filter((k) => k.state === 'lost')).toEqual([]);
    expect(count('acquired')).toBe(backends.length + benchmarks.length);
    expect(count('released')).toBe(backends.length + benchmarks.length);
    console.log(
      `chaos: ${backends.length + benchmarks.length} rounds, ${rewrites} in-place rewrites in ${wallS.toFixed(1)} s; ` +
        `overlaps 0, preempted ${count('preempted')}, stale takeovers ${count('stale-takeover')}, corrupt-file warnings ${count('corrupt-file')}`,
    );
  }, 130_000);
});

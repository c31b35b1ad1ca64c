import { rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import {
  acquireGpuLease,
  readLeaseEvents,
  readStatus,
  withGpuLease,
  type GpuLease,
  type StatusV1,
} from '../../src/lease/index.js';
import { eventTypes, fastTiming, readJson, removeTempCoordDirs, tempCoordPath, warningSink } from './helpers/coord.js';

afterAll(removeTempCoordDirs);

const options = (path: string, extra: object = {}) => ({ ...fastTiming, path, handleSignals: false, ...extra });

/** A benchmark image: steps of `stepMs`, stopping at the first step boundary after lease.signal fired. */
async function fakeImage(lease: GpuLease, steps: number, stepMs: number): Promise<number> {
  let done = 0;
  while (done < steps && !lease.signal.aborted) {
    await sleep(stepMs);
    done++;
    await lease.heartbeat();
  }
  return done;
}

describe('GPU lease in one process', () => {
  it('a free GPU is taken at once, shown by readStatus, and released', async () => {
    const path = tempCoordPath();
    const lease = await acquireGpuLease('benchmark', options(path, { label: 'sdxl/p042/s1' }));
    const status = await readStatus({ path, ...fastTiming });
    expect(status).toMatchObject({ busy: true, owner: 'benchmark', format: 'v1' });
    expect(status.holders).toEqual([expect.objectContaining({ id: lease.id, label: 'sdxl/p042/s1', stale: false })]);
    const file = readJson(path) as StatusV1;
    expect(file).toMatchObject({ version: 1, owner: 'benchmark', since: file.holders[0]!.since, want: [] });
    await lease.release();
    expect(await readStatus({ path, ...fastTiming })).toMatchObject({ busy: false, owner: null, since: null, holders: [] });
    expect(await eventTypes(path)).toEqual(['acquired', 'released']);
  });

  it('heartbeats refresh the holder entry every heartbeatMs', async () => {
    const path = tempCoordPath();
    const beats: number[] = [];
    await withGpuLease(
      'benchmark',
      async () => {
        for (let i = 0; i < 60; i++) {
          await sleep(fastTiming.pollMs / 2);
          const beat = Date.parse((readJson(path) as StatusV1).holders[0]!.heartbeat!);
          if (beat !== beats.at(-1)) beats.push(beat);
        }
      },
      options(path),
    );
    const gaps = beats.slice(1).map((b, i) => b - beats[i]!);
    expect(gaps.length).toBeGreaterThanOrEqual(5);
    // Written a poll early, so the median gap sits below heartbeatMs; the worst gap allows
    // for timers firing late on a busy machine.
    expect(gaps.sort((a, b) => a - b)[Math.floor(gaps.length / 2)]).toBeLessThanOrEqual(fastTiming.heartbeatMs);
    expect(Math.max(...gaps)).toBeLessThan(fastTiming.heartbeatMs + 3 * fastTiming.pollMs);
  });

  it('a backend preempts a benchmark within one step, without an overlap', async () => {
    const path = tempCoordPath();
    const stepMs = 60;
    let stepsDone = -1;
    const benchmark = withGpuLease('benchmark', async (lease) => (stepsDone = await fakeImage(lease, 100, stepMs)), options(path));
    await sleep(2 * stepMs);
    const backend = await acquireGpuLease('backend', options(path));
    expect(backend.overlap).toBe(false);
    expect(backend.waitedMs).toBeLessThan(2 * stepMs);
    await benchmark;
    expect(stepsDone).toBeLessThan(100);
    await backend.release();
    const types = await eventTypes(path);
    expect(types).toEqual(expect.arrayContaining(['preempted', 'waited']));
    expect(types).not.toContain('overlap');
    const preempted = (await readLeaseEvents(path)).events.find((e) => e.type === 'preempted');
    expect(preempted).toMatchObject({ owner: 'benchmark', detail: { reason: 'want' } });
  });

  it('a benchmark that does not yield is overlapped after maxWaitMs, and the overlap is recorded', async () => {
    const path = tempCoordPath();
    const stubborn = await acquireGpuLease('benchmark', options(path));
    const backend = await acquireGpuLease('backend', options(path));
    expect(backend.overlap).toBe(true);
    expect(backend.waitedMs).toBeGreaterThanOrEqual(fastTiming.maxWaitMs);
    expect(backend.waitedMs).toBeLessThan(fastTiming.maxWaitMs + 5 * fastTiming.pollMs);
    expect(stubborn.signal.aborted).toBe(true);
    // Seed readers see the backend during an overlap.
    expect(readJson(path)).toMatchObject({ owner: 'backend' });
    await Promise.all([backend.release(), stubborn.release()]);
    expect(await eventTypes(path)).toEqual(expect.arrayContaining(['preempted', 'waited', 'overlap']));
  });

  it('several backends hold at once; the benchmark waits for all of them', async () => {
    const path = tempCoordPath();
    const [a, b, c] = await Promise.all([1, 2, 3].map(() => acquireGpuLease('backend', options(path))));
    expect(a!.waitedMs + b!.waitedMs + c!.waitedMs).toBeLessThan(300);
    expect((await readStatus({ path })).holders).toHaveLength(3);
    let benchmarkGotIt = 0;
    const benchmark = acquireGpuLease('benchmark', options(path)).then((lease) => {
      benchmarkGotIt = Date.now();
      return lease;
    });
    await a!.release();
    await b!.release();
    await sleep(60);
    expect(benchmarkGotIt).toBe(0);
    const lastRelease = Date.now();
    await c!.release();
    await (await benchmark).release();
    expect(benchmarkGotIt).toBeGreaterThanOrEqual(lastRelease);
  });

  it('the benchmark waits while a live want exists and ignores a stale one', async () => {
    const path = tempCoordPath();
    const now = new Date().toISOString();
    const want = { id: 'w1', owner: 'backend', since: now, heartbeat: now };
    writeFileSync(path, JSON.stringify({ version: 1, owner: null, since: null, holders: [], want: [want] }));
    const started = Date.now();
    const lease = await acquireGpuLease('benchmark', options(path));
    const waited = Date.now() - started;
    expect(waited).toBeGreaterThanOrEqual(fastTiming.staleMs - 20);
    expect(waited).toBeLessThan(fastTiming.staleMs + 5 * fastTiming.pollMs);
    expect((readJson(path) as StatusV1).want).toEqual([]);
    await lease.release();
    const takeover = (await readLeaseEvents(path)).events.find((e) => e.type === 'stale-takeover');
    expect(takeover?.detail).toMatchObject({ entry: 'want', staleId: 'w1' });
  });

  it('releases when fn throws, and rethrows', async () => {
    const path = tempCoordPath();
    await expect(
      withGpuLease('benchmark', async () => Promise.reject(new Error('generation failed')), options(path)),
    ).rejects.toThrow('generation failed');
    expect((await readStatus({ path })).busy).toBe(false);
  });

  it('a backend whose wait is aborted withdraws its want', async () => {
    const path = tempCoordPath();
    const holder = await acquireGpuLease('benchmark', options(path));
    const controller = new AbortController();
    const waiting = acquireGpuLease('backend', options(path, { signal: controller.signal }));
    await sleep(60);
    expect((readJson(path) as StatusV1).want).toHaveLength(1);
    controller.abort();
    await expect(waiting).rejects.toThrow();
    expect((readJson(path) as StatusV1).want).toEqual([]);
    await holder.release();
  });

  it('a benchmark whose entry disappears has lost the lease', async () => {
    const path = tempCoordPath();
    await withGpuLease(
      'benchmark',
      async (lease) => {
        writeFileSync(path, JSON.stringify({ version: 1, owner: null, since: null, holders: [], want: [] }));
        expect(await lease.heartbeat()).toBe('lost');
        expect(lease.signal.reason).toMatchObject({ code: 'ERR_LEASE_LOST' });
      },
      options(path),
    );
    expect(await eventTypes(path)).toContain('lost');
  });

  it('a backend whose entry disappears claims the GPU again', async () => {
    const path = tempCoordPath();
    await withGpuLease(
      'backend',
      async (lease) => {
        rmSync(path);
        await sleep(3 * fastTiming.pollMs);
        expect((readJson(path) as StatusV1).holders.map((h) => h.id)).toEqual([lease.id]);
        expect(lease.signal.aborted).toBe(false);
      },
      options(path),
    );
    const lost = (await readLeaseEvents(path)).events.find((e) => e.type === 'lost');
    expect(lost?.detail).toMatchObject({ action: 'reasserted', found: 'missing' });
  });

  it.each([
    ['missing', null],
    ['empty', ''],
    ['whitespace', '  \n'],
    ['cleared by a seed writer', '{"owner": null}'],
    ['cleared with since', '{"owner": null, "since": null}'],
  ])('a %s file is free, silently', async (_name, content) => {
    const path = tempCoordPath();
    if (content !== null) writeFileSync(path, content);
    const sink = warningSink();
    await withGpuLease('benchmark', async () => undefined, options(path, { warn: sink.warn }));
    expect(sink.messages).toEqual([]);
    expect(await eventTypes(path)).toEqual(['acquired', 'released']);
  });

  it.each([
    ['truncated', '{"version": 1, "owner": "backend", "hol'],
    ['not JSON', 'lease? what lease'],
    ['wrong schema', '{"version": 1, "owner": "gpu-thief", "holders": 3}'],
    ['a JSON array', '[1, 2, 3]'],
    ['an unknown version', '{"version": 7, "owner": "backend"}'],
    ['binary', '\u0000\u00ff\u0001{'],
  ])('a %s file is free with one warning and repaired by the next write', async (_name, content) => {
    const path = tempCoordPath();
    writeFileSync(path, content);
    // Written long ago: not a seed writer mid-write (see the next test).
    const longAgo = new Date(Date.now() - 60_000);
    utimesSync(path, longAgo, longAgo);
    const sink = warningSink();
    const lease = await acquireGpuLease('benchmark', options(path, { warn: sink.warn }));
    await lease.heartbeat();
    await lease.release();
    expect(sink.messages).toHaveLength(1);
    expect(sink.messages[0]).toContain(path);
    expect(readJson(path)).toMatchObject({ version: 1, owner: null, holders: [] });
    expect(await eventTypes(path)).toEqual(['corrupt-file', 'acquired', 'released']);
  });

  it('a just-written unreadable file keeps the benchmark out until it is staleMs old; the backend takes it at once', async () => {
    const path = tempCoordPath();
    writeFileSync(path, '{"owner": "backe');
    const { mtimeMs } = statSync(path);
    const benchmark = await acquireGpuLease('benchmark', options(path, { warn: warningSink().warn }));
    const tookAt = Date.now();
    await benchmark.release();
    expect(tookAt - mtimeMs).toBeGreaterThanOrEqual(fastTiming.staleMs);
    expect(await eventTypes(path)).toEqual(['corrupt-file', 'waited', 'acquired', 'released']);

    writeFileSync(path, '{"owner": "backe');
    const started = Date.now();
    const backend = await acquireGpuLease('backend', options(path, { warn: warningSink().warn }));
    await backend.release();
    expect(Date.now() - started).toBeLessThan(fastTiming.staleMs);
  });

  it('a seed (v0) backend claim keeps the benchmark out until it is deleted', async () => {
    const path = tempCoordPath();
    writeFileSync(path, JSON.stringify({ owner: 'backend', since: new Date().toISOString() }));
    let acquiredAt = 0;
    const benchmark = acquireGpuLease('benchmark', options(path)).then((lease) => {
      acquiredAt = Date.now();
      return lease;
    });
    await sleep(fastTiming.staleMs + 100);
    expect(acquiredAt).toBe(0);
    const deletedAt = Date.now();
    rmSync(path);
    await (await benchmark).release();
    expect(acquiredAt - deletedAt).toBeLessThan(5 * fastTiming.pollMs);
  });

  it('a seed (v0) claim is stale only after maxHoldMs', async () => {
    const path = tempCoordPath();
    const old = new Date(Date.now() - fastTiming.maxHoldMs - 1).toISOString();
    writeFileSync(path, JSON.stringify({ owner: 'backend', since: old }));
    await withGpuLease('benchmark', async () => undefined, options(path));
    const takeover = (await readLeaseEvents(path)).events.find((e) => e.type === 'stale-takeover');
    expect(takeover?.detail).toMatchObject({ entry: 'holder', staleOwner: 'backend', legacy: true });
  });

  it('a benchmark holder that sees a seed backend claim yields and never writes over it', async () => {
    const path = tempCoordPath();
    const claim = JSON.stringify({ owner: 'backend', since: new Date().toISOString() });
    await withGpuLease(
      'benchmark',
      async (lease) => {
        writeFileSync(path, claim);
        expect(await lease.heartbeat()).toBe('preempted');
        await sleep(3 * fastTiming.heartbeatMs);
      },
      options(path),
    );
    expect(await import('node:fs').then((fs) => fs.readFileSync(path, 'utf8'))).toBe(claim);
    const preempted = (await readLeaseEvents(path)).events.find((e) => e.type === 'preempted');
    expect(preempted?.detail).toMatchObject({ reason: 'v0-claim' });
  });

  it('our backend keeps a seed backend claim alive beside its own entry', async () => {
    const path = tempCoordPath();
    writeFileSync(path, JSON.stringify({ owner: 'backend', since: new Date().toISOString() }));
    await withGpuLease('backend', async () => undefined, options(path));
    const status = await readStatus({ path, ...fastTiming });
    expect(status).toMatchObject({ busy: true, owner: 'backend' });
    expect(status.holders).toEqual([expect.objectContaining({ legacy: true, owner: 'backend' })]);
  });
});

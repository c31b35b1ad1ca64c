import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import path from 'node:path';
import { FolderWatch } from './folder-watch.js';
import { HeldLease } from './held-lease.js';
import { liveHolders, liveWants, toDocument } from './lease-doc.js';
import { resolveLeaseOptions, type LeaseOptions, type ResolvedLeaseOptions } from './options.js';
import { isUnsettled, type Holder, type LeaseOwner, type StatusRead, type StatusV1 } from './status-file.js';
import { StatusStore } from './status-store.js';
import { thisHost } from './this-host.js';

const iso = (t: number): string => new Date(t).toISOString();

interface Attempt {
  id: string;
  owner: LeaseOwner;
  options: ResolvedLeaseOptions;
  store: StatusStore;
  watch: FolderWatch;
  started: number;
}

/**
 * Waits for the GPU and records it as ours. The benchmark waits as long as it takes (until
 * `options.signal` aborts); the backend asks the benchmark to yield and waits at most
 * maxWaitMs, then proceeds anyway and records an overlap.
 */
export async function acquireGpuLease(owner: LeaseOwner, options: LeaseOptions = {}): Promise<HeldLease> {
  const resolved = resolveLeaseOptions(options);
  const id = randomUUID();
  const attempt: Attempt = {
    id,
    owner,
    options: resolved,
    store: new StatusStore(resolved, { owner, leaseId: id, label: resolved.label }),
    watch: new FolderWatch(path.dirname(resolved.path), true),
    started: performance.now(),
  };
  let acquired: Acquired;
  try {
    acquired = owner === 'backend' ? await acquireAsBackend(attempt) : await acquireAsBenchmark(attempt);
  } finally {
    attempt.watch.close();
  }
  const { holder, blockedBy, overlapWith } = acquired;
  const waitedMs = Math.round((performance.now() - attempt.started) * 100) / 100;
  const { store } = attempt;
  if (blockedBy.length > 0) await store.record({ type: 'waited', waitedMs, detail: { blockedBy } });
  if (overlapWith.length > 0) await store.record({ type: 'overlap', waitedMs, detail: { with: overlapWith } });
  await store.record({ type: 'acquired', waitedMs, detail: { overlap: overlapWith.length > 0 } });
  return new HeldLease(store, resolved, { holder, waitedMs, overlap: overlapWith.length > 0 });
}

interface Acquired {
  holder: Holder;
  /** The entries we had to wait for (empty when the GPU was free at once). */
  blockedBy: string[];
  /** Benchmark holders still live when the backend proceeded after maxWaitMs. */
  overlapWith: string[];
}

function newHolder(a: Attempt, now: number): Holder {
  const holder: Holder = {
    id: a.id,
    owner: a.owner,
    host: thisHost,
    pid: process.pid,
    since: iso(now),
    heartbeat: iso(now),
  };
  if (a.options.label !== undefined) holder.label = a.options.label;
  return holder;
}

const describe = (e: { owner: string; id: string }): string => `${e.owner}:${e.id}`;

/**
 * The benchmark takes the GPU only when nobody holds it and no backend is asking for it. An
 * unreadable file counts as free (LEASE.md), but for the benchmark only once it is staleMs
 * old: a seed backend writes its claim non-atomically, and on a busy machine it can be
 * mid-write for longer than the one pollMs re-read; writing over it then would erase a claim.
 */
function benchmarkBlockers(status: StatusRead, doc: StatusV1, now: number, a: Attempt): string[] {
  const { timing } = a.options;
  if (status.kind === 'corrupt' && now - status.mtimeMs < timing.staleMs) return ['unreadable-file:recently-written'];
  if (isUnsettled(status, now, timing.settleMs)) return ['empty-file:not-settled'];
  return [...liveHolders(doc, now, timing), ...liveWants(doc, now, timing)].map(describe);
}

async function acquireAsBenchmark(a: Attempt): Promise<Acquired> {
  const { store, options } = a;
  const blockedBy = new Set<string>();
  // The first try goes straight to the locked write (the GPU is usually free between two
  // images); while blocked, unlocked reads poll so the lock stays free for the backend.
  for (let first = true; ; first = false) {
    options.signal?.throwIfAborted();
    let blockers: string[] = [];
    if (!first) {
      const { status } = await store.read();
      blockers = benchmarkBlockers(status, toDocument(status), Date.now(), a);
    }
    if (blockers.length === 0) {
      let holder: Holder | undefined;
      const { written } = await store.mutate((doc, status, now) => {
        const late = benchmarkBlockers(status, doc, now, a);
        late.forEach((b) => blockedBy.add(b));
        if (late.length > 0) return false;
        holder = newHolder(a, now);
        doc.holders.push(holder);
        return true;
      });
      if (written && holder) return { holder, blockedBy: [...blockedBy], overlapWith: [] };
    }
    blockers.forEach((b) => blockedBy.add(b));
    await a.watch.sleep(options.timing.pollMs, options.signal);
  }
}

async function acquireAsBackend(a: Attempt): Promise<Acquired> {
  const { store, options } = a;
  const { timing } = options;
  const blockedBy = new Set<string>();
  let wantBeat = Number.NEGATIVE_INFINITY;
  try {
    for (;;) {
      options.signal?.throwIfAborted();
      const giveUp = performance.now() - a.started >= timing.maxWaitMs;
      const { status } = await store.read();
      const doc = toDocument(status);
      const now = Date.now();
      const benchmarks = liveHolders(doc, now, timing, 'benchmark');
      if (benchmarks.length === 0 || giveUp) {
        let holder: Holder | undefined;
        let overlapWith: string[] = [];
        const { written } = await store.mutate((d, _status, t) => {
          overlapWith = liveHolders(d, t, timing, 'benchmark').map(describe);
          if (overlapWith.length > 0 && !giveUp) return false;
          d.want = d.want.filter((w) => w.id !== a.id);
          holder = newHolder(a, t);
          d.holders.push(holder);
          return true;
        });
        if (written && holder) return { holder, blockedBy: [...blockedBy], overlapWith };
      } else {
        benchmarks.map(describe).forEach((b) => blockedBy.add(b));
        // The want is what makes the benchmark yield; it carries its own heartbeat so that a
        // backend killed while waiting stops preempting after staleMs.
        if (!doc.want.some((w) => w.id === a.id) || now - wantBeat >= timing.heartbeatMs - timing.pollMs) {
          await store.mutate((d, _status, t) => {
            const mine = d.want.find((w) => w.id === a.id);
            if (mine) mine.heartbeat = iso(t);
            else {
              d.want.push({ id: a.id, owner: 'backend', host: thisHost, pid: process.pid, since: iso(t), heartbeat: iso(t) });
            }
            wantBeat = t;
            return true;
          });
        }
      }
      const untilGiveUp = timing.maxWaitMs - (performance.now() - a.started);
      await a.watch.sleep(Math.max(1, Math.min(timing.pollMs, untilGiveUp)), options.signal);
    }
  } catch (err) {
    await withdrawWant(a);
    throw err;
  }
}

async function withdrawWant(a: Attempt): Promise<void> {
  try {
    await a.store.mutate((doc) => {
      const before = doc.want.length;
      doc.want = doc.want.filter((w) => w.id !== a.id);
      return doc.want.length !== before;
    });
  } catch (err) {
    a.options.warn(`cannot withdraw GPU preemption request ${a.id} from ${a.store.path}: ${(err as Error).message}`);
  }
}

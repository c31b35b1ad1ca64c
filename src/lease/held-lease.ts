import { performance } from 'node:perf_hooks';
import path from 'node:path';
import { LeaseError } from './errors.js';
import { FolderWatch } from './folder-watch.js';
import { liveHolders, liveWants, toDocument } from './lease-doc.js';
import type { ResolvedLeaseOptions } from './options.js';
import { isUnsettled, type Holder, type LeaseOwner } from './status-file.js';
import type { StatusStore } from './status-store.js';

/**
 * held: ours. preempted: the backend wants the GPU (benchmark side): finish the current
 * unit, then release. lost: our entry vanished (taken over as stale, or erased by a seed
 * writer): stop at the next unit boundary. released: done.
 */
export type LeaseState = 'held' | 'preempted' | 'lost' | 'released';

export interface GpuLease {
  readonly id: string;
  readonly owner: LeaseOwner;
  /** The status file this lease lives in. */
  readonly path: string;
  /** How long acquire took, including any wait for the other side. */
  readonly waitedMs: number;
  /** Backend only: proceeded after maxWaitMs while a benchmark still held (recorded as an event). */
  readonly overlap: boolean;
  /**
   * Fires on preemption or loss (benchmark side), on SIGINT/SIGTERM (withGpuLease) and on
   * release; its reason is a LeaseError whose code says which.
   */
  readonly signal: AbortSignal;
  readonly state: LeaseState;
  /**
   * Refreshes the heartbeat when due and checks for preemption or loss. The runner calls it at
   * each unit boundary; it also runs in the background every pollMs and whenever the
   * coordination folder changes.
   */
  heartbeat(): Promise<LeaseState>;
  /** Removes our entry. Never throws: a failed release only leaves an entry that goes stale. */
  release(): Promise<void>;
}

export interface HeldLeaseInit {
  holder: Holder;
  waitedMs: number;
  overlap: boolean;
}

const iso = (t: number): string => new Date(t).toISOString();

export class HeldLease implements GpuLease {
  readonly id: string;
  readonly owner: LeaseOwner;
  readonly waitedMs: number;
  readonly overlap: boolean;
  private readonly controller = new AbortController();
  private readonly holder: Holder;
  private readonly heldSince = performance.now();
  private current: LeaseState = 'held';
  private lastBeat: number;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly watch: FolderWatch;

  constructor(
    private readonly store: StatusStore,
    private readonly options: ResolvedLeaseOptions,
    init: HeldLeaseInit,
  ) {
    this.holder = init.holder;
    this.id = init.holder.id;
    this.owner = init.holder.owner;
    this.waitedMs = init.waitedMs;
    this.overlap = init.overlap;
    this.lastBeat = Date.parse(init.holder.heartbeat ?? init.holder.since);
    // Background checks do not keep the process alive: the holder's own work does, and a
    // forgotten lease must not.
    this.watch = new FolderWatch(path.dirname(store.path), false);
    void this.checkInBackground();
  }

  get path(): string {
    return this.store.path;
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get state(): LeaseState {
    return this.current;
  }

  heartbeat(): Promise<LeaseState> {
    return this.serial(async () => {
      if (this.current === 'released') return this.current;
      if (this.owner === 'benchmark') await this.checkAsBenchmark();
      else await this.checkAsBackend();
      return this.current;
    });
  }

  /** Stops the holder's work through `signal` (used on SIGINT/SIGTERM); the lease stays held. */
  interrupt(reason: LeaseError): void {
    if (!this.controller.signal.aborted) this.controller.abort(reason);
  }

  release(): Promise<void> {
    if (this.current === 'released') return Promise.resolve();
    const endedAs = this.current;
    this.current = 'released';
    this.watch.close();
    return this.serial(async () => {
      try {
        // Only our own entry is removed, so a seed (v0) claim is never written over. A corrupt
        // file is rewritten here as the corrupt-file warning promises ("the next write repairs it").
        await this.store.mutate((doc, status) => {
          const before = doc.holders.length;
          doc.holders = doc.holders.filter((h) => h.id !== this.id);
          return doc.holders.length !== before || status.kind === 'corrupt';
        });
        await this.store.record({ type: 'released', heldMs: this.heldMs(), detail: { endedAs } });
      } catch (err) {
        this.options.warn(`cannot release GPU lease ${this.id} in ${this.path}: ${(err as Error).message}`);
      }
      this.interrupt(new LeaseError('ERR_LEASE_RELEASED', `GPU lease ${this.id} was released`));
    });
  }

  private async checkAsBenchmark(): Promise<void> {
    const { status } = await this.store.read();
    const now = Date.now();
    // Mid-rewrite by an in-place writer even after the settle wait: judge at the next check.
    if (isUnsettled(status, now, this.options.timing.settleMs)) return;
    const doc = toDocument(status);
    if (status.kind === 'v0' && liveHolders(doc, now, this.options.timing, 'backend').length > 0) {
      // A seed backend's claim: yield, and never heartbeat over it (it would erase the claim).
      await this.preempt({ reason: 'v0-claim', since: doc.since });
      return;
    }
    if (!doc.holders.some((h) => h.id === this.id)) {
      await this.lose(status.kind);
      return;
    }
    const backends = liveHolders(doc, now, this.options.timing, 'backend');
    const wants = liveWants(doc, now, this.options.timing);
    if (backends.length > 0 || wants.length > 0) {
      const by = [...wants, ...backends].map((e) => e.id);
      await this.preempt({ reason: wants.length > 0 ? 'want' : 'backend-holder', by });
    }
    if (this.current !== 'lost' && this.heartbeatDue(now)) {
      const { written, unsettled } = await this.store.mutate((d, _status, t) => this.touch(d.holders, t));
      if (!written && !unsettled) await this.lose('entry-missing-at-heartbeat');
    }
  }

  /** The backend never stops for the benchmark: if its entry vanished, it claims the GPU again. */
  private async checkAsBackend(): Promise<void> {
    const { status } = await this.store.read();
    const now = Date.now();
    if (isUnsettled(status, now, this.options.timing.settleMs)) return;
    if (toDocument(status).holders.some((h) => h.id === this.id) && !this.heartbeatDue(now)) return;
    let reasserted = false;
    await this.store.mutate((doc, _status, t) => {
      if (this.touch(doc.holders, t)) return true;
      doc.holders.push({ ...this.holder, heartbeat: iso(t) });
      reasserted = true;
      return true;
    });
    if (reasserted) await this.store.record({ type: 'lost', detail: { action: 'reasserted', found: status.kind } });
  }

  /** Refreshes our heartbeat in `holders`; false when our entry is gone. */
  private touch(holders: Holder[], now: number): boolean {
    const mine = holders.find((h) => h.id === this.id);
    if (!mine) return false;
    mine.heartbeat = iso(now);
    this.lastBeat = now;
    return true;
  }

  /** Writes happen a poll early, so the gap between two heartbeats never exceeds heartbeatMs. */
  private heartbeatDue(now: number): boolean {
    const { heartbeatMs, pollMs } = this.options.timing;
    return now - this.lastBeat >= heartbeatMs - pollMs;
  }

  private async preempt(detail: Record<string, unknown>): Promise<void> {
    if (this.current !== 'held') return;
    this.current = 'preempted';
    const why = String(detail.reason);
    this.interrupt(new LeaseError('ERR_LEASE_PREEMPTED', `GPU lease ${this.id} preempted by the backend (${why})`));
    await this.store.record({ type: 'preempted', heldMs: this.heldMs(), detail });
  }

  private async lose(found: string): Promise<void> {
    if (this.current === 'lost' || this.current === 'released') return;
    this.current = 'lost';
    const message = `GPU lease ${this.id} lost: its entry is gone from ${this.path} (${found})`;
    this.interrupt(new LeaseError('ERR_LEASE_LOST', message));
    await this.store.record({ type: 'lost', heldMs: this.heldMs(), detail: { action: 'stopped', found } });
  }

  private heldMs(): number {
    return Math.round(performance.now() - this.heldSince);
  }

  /**
   * Every pollMs, and at once when the folder changes (a want appears, a seed backend writes
   * its claim): a preemption fires lease.signal within about a millisecond, so work that only
   * watches the signal still stops at the next unit boundary.
   */
  private async checkInBackground(): Promise<void> {
    for (;;) {
      await this.watch.sleep(this.options.timing.pollMs);
      if (this.current === 'released') return;
      await this.heartbeat().catch((err: unknown) =>
        this.options.warn(`GPU lease ${this.id} heartbeat failed: ${(err as Error).message}`),
      );
    }
  }

  private serial<T>(op: () => Promise<T>): Promise<T> {
    const run = this.queue.then(op, op);
    this.queue = run.catch(() => undefined);
    return run;
  }
}

import { mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { writeFileAtomic } from './atomic-write.js';
import { lockPathFor } from './coord-path.js';
import { EventLog, type LeaseEventInput } from './events.js';
import { withFileLock, type FileLockOptions } from './file-lock.js';
import { heartbeatAgeMs, pruneStale, toDocument, withTopLevel, type Pruned } from './lease-doc.js';
import type { ResolvedLeaseOptions } from './options.js';
import {
  formatStatus,
  isUnsettled,
  readStatusFile,
  type FileIdentity,
  type LeaseOwner,
  type StatusRead,
  type StatusSnapshot,
  type StatusV1,
} from './status-file.js';

/** Who is reading and writing, for the events this store records. */
export interface StoreActor {
  owner: LeaseOwner;
  leaseId: string;
  label?: string;
}

/** Edits `doc` in place; returns false to leave the file untouched. */
export type StatusChange = (doc: StatusV1, status: StatusRead, now: number) => boolean;

export interface MutateResult {
  written: boolean;
  status: StatusRead;
  /** The file was still being rewritten in place after the settle wait: nothing was changed. */
  unsettled: boolean;
}

/** Paths with a corrupt file this process already warned about ("once per episode"). */
const corruptEpisodes = new Set<string>();

/** A write that found the file changed by an unlocked (seed) writer is redone this often at most. */
const MAX_CONFLICT_RETRIES = 5;

/** One lease's view of status.json and events.jsonl: confirmed reads, locked writes, events. */
export class StatusStore {
  readonly path: string;
  private readonly lock: FileLockOptions;
  private readonly events: EventLog;

  constructor(
    private readonly options: ResolvedLeaseOptions,
    private readonly actor: StoreActor,
  ) {
    this.path = options.path;
    const { lockStaleMs } = options.timing;
    // Waiting several stale bounds means something other than a dead holder is wrong.
    this.lock = { staleMs: lockStaleMs, timeoutMs: Math.max(4 * lockStaleMs, 2000) };
    this.events = new EventLog(this.path, options.maxEventsBytes, this.lock, options.warn);
  }

  record(event: Omit<LeaseEventInput, 'owner' | 'leaseId' | 'label'>): Promise<void> {
    return this.events.append({ ...event, owner: this.actor.owner, leaseId: this.actor.leaseId, label: this.actor.label });
  }

  /**
   * An empty or corrupt file is read again until it has stayed unchanged for settleMs: a
   * writer that rewrites it in place (truncate, then write) may be mid-write. The wait is
   * bounded by one settle period after the first sight; a file still changing then is returned
   * as it is, and callers treat it as busy (isUnsettled). Settled and corrupt = free, with one
   * warning.
   */
  async read(): Promise<StatusSnapshot> {
    const { settleMs, pollMs } = this.options.timing;
    let snapshot = readStatusFile(this.path);
    const deadline = Date.now() + settleMs + pollMs;
    while (isUnsettled(snapshot.status, Date.now(), settleMs) && Date.now() < deadline) {
      const status = snapshot.status as { mtimeMs: number };
      const untilSettled = status.mtimeMs + settleMs - Date.now();
      await sleep(Math.max(1, Math.min(pollMs, untilSettled + 1, deadline - Date.now())));
      snapshot = readStatusFile(this.path);
    }
    if (!isUnsettled(snapshot.status, Date.now(), settleMs)) await this.noteCorruption(snapshot.status);
    return snapshot;
  }

  /**
   * Read-modify-write under the lock; stale entries are dropped (and recorded) by every write.
   * A file that has not settled is never written over: it may hold a claim being written.
   */
  async mutate(change: StatusChange): Promise<MutateResult> {
    mkdirSync(path.dirname(this.path), { recursive: true });
    for (let attempt = 0; ; attempt++) {
      const outcome = await withFileLock(lockPathFor(this.path), this.lock, async () => {
        const snapshot = await this.read();
        const now = Date.now();
        if (isUnsettled(snapshot.status, now, this.options.timing.settleMs)) {
          return { written: false, status: snapshot.status, pruned: null, conflict: false, unsettled: true };
        }
        const doc = toDocument(snapshot.status);
        const pruned = pruneStale(doc, now, this.options.timing);
        if (!change(doc, snapshot.status, now)) {
          return { written: false, status: snapshot.status, pruned: null, conflict: false, unsettled: false };
        }
        const written = await writeFileAtomic(this.path, formatStatus(withTopLevel(doc)), {
          beforeRename: () => unchanged(this.path, snapshot.identity),
        });
        return { written, status: snapshot.status, pruned: written ? pruned : null, conflict: !written, unsettled: false };
      });
      if (outcome.pruned) await this.recordTakeovers(outcome.pruned);
      if (!outcome.conflict || attempt >= MAX_CONFLICT_RETRIES) {
        return { written: outcome.written, status: outcome.status, unsettled: outcome.unsettled };
      }
    }
  }

  private async noteCorruption(status: StatusRead): Promise<void> {
    if (status.kind !== 'corrupt') {
      corruptEpisodes.delete(this.path);
      return;
    }
    if (corruptEpisodes.has(this.path)) return;
    corruptEpisodes.add(this.path);
    this.options.warn(
      `GPU lease file ${this.path} is unusable (${status.problem}): treating the GPU as free; the next write repairs it`,
    );
    await this.record({ type: 'corrupt-file', detail: { problem: status.problem } });
  }

  private async recordTakeovers(pruned: Pruned): Promise<void> {
    const now = Date.now();
    const entries = [
      ...pruned.holders.map((e) => ({ entry: 'holder', e, legacy: e.legacy ?? false })),
      ...pruned.want.map((e) => ({ entry: 'want', e, legacy: false })),
    ];
    for (const { entry, e, legacy } of entries) {
      const detail = { entry, staleId: e.id, staleOwner: e.owner, stalePid: e.pid, staleHost: e.host, legacy };
      await this.record({ type: 'stale-takeover', detail: { ...detail, heartbeatAgeMs: heartbeatAgeMs(e, now) } });
    }
  }
}

/** True when the file is still the one read under the lock (an unlocked writer changes it). */
function unchanged(file: string, before: FileIdentity | null): boolean {
  const now = statSync(file, { throwIfNoEntry: false }) ?? null;
  if (before === null || now === null) return before === null && now === null;
  return now.ino === before.ino && now.size === before.size && now.mtimeMs === before.mtimeMs;
}

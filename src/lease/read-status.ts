import { heartbeatAgeMs, isHolderStale, isWantStale, liveHolders, toDocument, withTopLevel } from './lease-doc.js';
import { resolveLeaseOptions, type LeaseOptions } from './options.js';
import { readStatusFile, type LeaseOwner, type StatusRead } from './status-file.js';

export interface GpuStatusEntry {
  id: string;
  owner: LeaseOwner;
  host?: string;
  pid?: number;
  since: string;
  heartbeat?: string;
  label?: string;
  /** A seed (v0) claim: judged stale by maxHoldMs, not by heartbeat. */
  legacy: boolean;
  heartbeatAgeMs: number;
  stale: boolean;
}

export interface GpuStatus {
  path: string;
  /** How the file read: missing, empty, the seed's v0, our v1, or corrupt (= free). */
  format: StatusRead['kind'];
  problem?: string;
  /** What `/gpu-status` serves: computed from live holders only. */
  busy: boolean;
  owner: LeaseOwner | null;
  since: string | null;
  /** All entries in the file, stale ones included and flagged. */
  holders: GpuStatusEntry[];
  want: GpuStatusEntry[];
  staleMs: number;
  maxHoldMs: number;
  checkedAt: string;
}

export type ReadStatusOptions = Pick<LeaseOptions, 'path' | 'staleMs' | 'maxHoldMs'>;

/** A snapshot for `/gpu-status` and `ppbench status`; never writes and never warns. */
export async function readStatus(options: ReadStatusOptions = {}): Promise<GpuStatus> {
  const resolved = resolveLeaseOptions(options);
  const { status } = readStatusFile(resolved.path);
  const now = Date.now();
  const bounds = resolved.timing;
  const doc = toDocument(status);
  const live = withTopLevel({ ...doc, holders: liveHolders(doc, now, bounds) });
  return {
    path: resolved.path,
    format: status.kind,
    ...(status.kind === 'corrupt' ? { problem: status.problem } : {}),
    busy: live.holders.length > 0,
    owner: live.owner,
    since: live.since,
    holders: doc.holders.map((h) => ({
      ...h,
      legacy: h.legacy ?? false,
      heartbeatAgeMs: heartbeatAgeMs(h, now),
      stale: isHolderStale(h, now, bounds),
    })),
    want: doc.want.map((w) => ({
      ...w,
      legacy: false,
      heartbeatAgeMs: heartbeatAgeMs(w, now),
      stale: isWantStale(w, now, bounds),
    })),
    staleMs: bounds.staleMs,
    maxHoldMs: bounds.maxHoldMs,
    checkedAt: new Date(now).toISOString(),
  };
}

import type { Holder, LeaseOwner, StatusRead, StatusV1, Want } from './status-file.js';

/** The two bounds that decide liveness (LEASE.md "Crash safety" and "Compatibility"). */
export interface StalenessBounds {
  staleMs: number;
  maxHoldMs: number;
}

export const emptyDocument = (): StatusV1 => ({ version: 1, owner: null, since: null, holders: [], want: [] });

export const LEGACY_HOLDER_ID = 'v0-claim';

/**
 * The list view every decision is made on. A seed (v0) claim becomes a legacy holder so
 * that it stays busy for everyone and survives our next write; missing, empty, cleared and
 * corrupt files are free.
 */
export function toDocument(status: StatusRead): StatusV1 {
  switch (status.kind) {
    case 'v1':
      return {
        ...status.doc,
        // A seed-style writer that clears only the top-level owner has released its claim.
        holders: status.doc.holders.filter((h) => !h.legacy || status.doc.owner === h.owner),
        want: [...status.doc.want],
      };
    case 'v0': {
      const doc = emptyDocument();
      if (status.owner === null) return doc;
      const since = validIso(status.since) ?? new Date(status.mtimeMs).toISOString();
      doc.holders.push({ id: LEGACY_HOLDER_ID, owner: status.owner, since, legacy: true });
      return withTopLevel(doc);
    }
    default:
      return emptyDocument();
  }
}

function validIso(value: string | null): string | undefined {
  if (value === null) return undefined;
  const t = Date.parse(value);
  return Number.isNaN(t) ? undefined : new Date(t).toISOString();
}

/** Milliseconds since the entry last proved it is alive. */
export const heartbeatAgeMs = (entry: Holder | Want, now: number): number =>
  now - Date.parse(entry.heartbeat ?? entry.since);

/**
 * Older than the bound = stale. So is a time further in the future than the bound: no clock
 * on a shared host is that far off, and such an entry would otherwise block the GPU forever.
 */
const outside = (ageMs: number, boundMs: number): boolean => ageMs > boundMs || ageMs < -boundMs;

export function isHolderStale(holder: Holder, now: number, bounds: StalenessBounds): boolean {
  if (holder.legacy) return outside(now - Date.parse(holder.since), bounds.maxHoldMs);
  return outside(heartbeatAgeMs(holder, now), bounds.staleMs);
}

export const isWantStale = (want: Want, now: number, bounds: StalenessBounds): boolean =>
  outside(heartbeatAgeMs(want, now), bounds.staleMs);

export const liveHolders = (doc: StatusV1, now: number, bounds: StalenessBounds, owner?: LeaseOwner): Holder[] =>
  doc.holders.filter((h) => !isHolderStale(h, now, bounds) && (owner === undefined || h.owner === owner));

export const liveWants = (doc: StatusV1, now: number, bounds: StalenessBounds): Want[] =>
  doc.want.filter((w) => !isWantStale(w, now, bounds));

export interface Pruned {
  holders: Holder[];
  want: Want[];
}

/** Removes dead entries in place; the caller records them as stale takeovers if it writes. */
export function pruneStale(doc: StatusV1, now: number, bounds: StalenessBounds): Pruned {
  const pruned: Pruned = {
    holders: doc.holders.filter((h) => isHolderStale(h, now, bounds)),
    want: doc.want.filter((w) => isWantStale(w, now, bounds)),
  };
  doc.holders = doc.holders.filter((h) => !pruned.holders.includes(h));
  doc.want = doc.want.filter((w) => !pruned.want.includes(w));
  return pruned;
}

/**
 * Seed readers look only at `owner` and `since`: `owner` is the holders' owner ("backend"
 * during an overlap, since the backend has priority) and `since` the earliest such holder's.
 */
export function withTopLevel(doc: StatusV1): StatusV1 {
  const owner: LeaseOwner | null = doc.holders.some((h) => h.owner === 'backend')
    ? 'backend'
    : doc.holders.length > 0
      ? 'benchmark'
      : null;
  const times = doc.holders.filter((h) => h.owner === owner).map((h) => Date.parse(h.since));
  doc.owner = owner;
  doc.since = owner === null ? null : new Date(Math.min(...times)).toISOString();
  return doc;
}

import { closeSync, fstatSync, openSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import { LeaseError } from './errors.js';

export const leaseOwnerSchema = z.enum(['backend', 'benchmark']);
export type LeaseOwner = z.infer<typeof leaseOwnerSchema>;

const isoTime = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'must be an ISO time');

/*
 * Optional fields are optional on purpose: another implementation following LEASE.md's
 * example loosely must still read as "busy", because a file we cannot parse counts as free.
 */
export const holderSchema = z.object({
  id: z.string().min(1),
  owner: leaseOwnerSchema,
  host: z.string().optional(),
  pid: z.number().int().optional(),
  since: isoTime,
  /** Missing = `since`. */
  heartbeat: isoTime.optional(),
  label: z.string().optional(),
  /** Converted from a seed (v0) claim: it has no heartbeat, so it is judged by maxHoldMs. */
  legacy: z.literal(true).optional(),
});
export type Holder = z.infer<typeof holderSchema>;

export const wantSchema = z.object({
  id: z.string().min(1),
  owner: z.literal('backend'),
  host: z.string().optional(),
  pid: z.number().int().optional(),
  since: isoTime,
  heartbeat: isoTime.optional(),
});
export type Want = z.infer<typeof wantSchema>;

export const statusV1Schema = z.object({
  version: z.literal(1),
  owner: leaseOwnerSchema.nullable(),
  since: isoTime.nullable(),
  holders: z.array(holderSchema),
  want: z.array(wantSchema),
});
export type StatusV1 = z.infer<typeof statusV1Schema>;

/** The seed's format: `{"owner": "backend", "since": "<ISO>"}`, no version, no lock. */
export const statusV0Schema = z.object({
  owner: leaseOwnerSchema.nullable(),
  since: z.string().nullable().optional(),
});

export type StatusRead =
  | { kind: 'missing' }
  /** mtimeMs: when it was emptied (an in-place writer truncates before it writes). */
  | { kind: 'empty'; mtimeMs: number }
  | { kind: 'v0'; owner: LeaseOwner | null; since: string | null; mtimeMs: number }
  | { kind: 'v1'; doc: StatusV1 }
  /** mtimeMs: when it was last written (a non-atomic seed writer may still be writing it). */
  | { kind: 'corrupt'; problem: string; mtimeMs: number };

/** What a writer compares just before its rename, to notice an unlocked (seed) writer. */
export interface FileIdentity {
  ino: number;
  size: number;
  mtimeMs: number;
}

export interface StatusSnapshot {
  status: StatusRead;
  identity: FileIdentity | null;
}

/** A status file is a few hundred bytes; anything this big is garbage, not a lease. */
const MAX_STATUS_BYTES = 1 << 20;

export function parseStatusText(text: string, mtimeMs: number): StatusRead {
  if (text.trim() === '') return { kind: 'empty', mtimeMs };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { kind: 'corrupt', mtimeMs, problem: `truncated or not JSON (${(err as Error).message.replace(/\s+/g, ' ')})` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { kind: 'corrupt', mtimeMs, problem: 'wrong schema: not a JSON object' };
  }
  if ('version' in value) {
    const v1 = statusV1Schema.safeParse(value);
    return v1.success ? { kind: 'v1', doc: v1.data } : { kind: 'corrupt', mtimeMs, problem: schemaProblem(v1.error) };
  }
  const v0 = statusV0Schema.safeParse(value);
  if (!v0.success) return { kind: 'corrupt', mtimeMs, problem: schemaProblem(v0.error) };
  return { kind: 'v0', owner: v0.data.owner, since: v0.data.since ?? null, mtimeMs };
}

function schemaProblem(error: z.ZodError): string {
  const first = error.issues[0];
  const where = first?.path.length ? first.path.join('.') : '(top level)';
  return `wrong schema: ${where} ${first?.message ?? 'is invalid'}`;
}

/**
 * Reads and classifies the file; only I/O errors other than "missing" throw. Synchronous on
 * purpose: a page-cache read of a few hundred bytes takes microseconds, while the promise API
 * costs a millisecond or more of thread-pool round trips on a busy machine, which would add
 * straight to the backend's wait.
 */
export function readStatusFile(statusPath: string): StatusSnapshot {
  let fd: number;
  try {
    fd = openSync(statusPath, 'r');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { status: { kind: 'missing' }, identity: null };
    throw ioError(statusPath, err);
  }
  try {
    const stat = fstatSync(fd);
    const identity = { ino: stat.ino, size: stat.size, mtimeMs: stat.mtimeMs };
    if (stat.size > MAX_STATUS_BYTES) {
      return { status: { kind: 'corrupt', mtimeMs: stat.mtimeMs, problem: `wrong schema: ${stat.size} bytes is not a lease file` }, identity };
    }
    return { status: parseStatusText(readFileSync(fd, 'utf8'), stat.mtimeMs), identity };
  } catch (err) {
    throw ioError(statusPath, err);
  } finally {
    closeSync(fd);
  }
}

const ioError = (statusPath: string, err: unknown): LeaseError =>
  new LeaseError('ERR_LEASE_IO', `cannot read GPU lease file ${statusPath}: ${(err as Error).message}`, { cause: err });

/**
 * An empty or unreadable file that changed less than settleMs ago may be a writer's in-place
 * rewrite (truncate, then write) caught in the middle: not free yet, for either owner. A
 * modification time further in the future than that is a skewed clock (another host on a
 * network volume), not a write in progress: it would otherwise never settle.
 */
export function isUnsettled(status: StatusRead, now: number, settleMs: number): boolean {
  if (status.kind !== 'empty' && status.kind !== 'corrupt') return false;
  const ageMs = now - status.mtimeMs;
  return ageMs < settleMs && ageMs > -settleMs;
}

export const formatStatus = (doc: StatusV1): string => `${JSON.stringify(doc, null, 2)}\n`;

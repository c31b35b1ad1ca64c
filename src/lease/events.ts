import { randomUUID } from 'node:crypto';
import { appendFileSync, mkdirSync, readFileSync, renameSync, statSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { eventsPathFor, lockPathFor, resolveCoordPath } from './coord-path.js';
import { withFileLock, type FileLockOptions } from './file-lock.js';
import { leaseOwnerSchema } from './status-file.js';
import { thisHost } from './this-host.js';

export const leaseEventTypeSchema = z.enum([
  'acquired',
  'released',
  'waited',
  'preempted',
  'stale-takeover',
  'overlap',
  'corrupt-file',
  'lost',
]);
export type LeaseEventType = z.infer<typeof leaseEventTypeSchema>;

export const leaseEventSchema = z.object({
  v: z.literal(1),
  /** Unique, so an importer can skip events it already stored. */
  id: z.string(),
  ts: z.string(),
  type: leaseEventTypeSchema,
  owner: leaseOwnerSchema,
  leaseId: z.string(),
  pid: z.number().int(),
  host: z.string(),
  label: z.string().optional(),
  waitedMs: z.number().optional(),
  heldMs: z.number().optional(),
  detail: z.record(z.string(), z.unknown()).optional(),
});
export type LeaseEvent = z.infer<typeof leaseEventSchema>;
export type LeaseEventInput = Omit<LeaseEvent, 'v' | 'id' | 'ts' | 'pid' | 'host'>;

export const rotatedPathFor = (eventsPath: string): string => `${eventsPath}.1`;

/** Appends one JSON line per event; never throws, since a lost event must not fail a lease. */
export class EventLog {
  readonly path: string;
  private readonly lockPath: string;

  constructor(
    statusPath: string,
    private readonly maxBytes: number,
    private readonly lock: FileLockOptions,
    private readonly warn: (message: string) => void,
  ) {
    this.path = eventsPathFor(statusPath);
    this.lockPath = lockPathFor(statusPath);
  }

  async append(input: LeaseEventInput): Promise<void> {
    const event: LeaseEvent = {
      v: 1,
      id: randomUUID(),
      ts: new Date().toISOString(),
      pid: process.pid,
      host: thisHost,
      ...input,
    };
    const line = `${JSON.stringify(event)}\n`;
    try {
      await this.rotateIfFull(Buffer.byteLength(line));
      // One O_APPEND write per line: lines from both sides never interleave mid-line.
      appendFileSync(this.path, line, { mode: 0o666 });
    } catch (err) {
      this.warn(`cannot append GPU lease event to ${this.path}: ${(err as Error).message}`);
    }
  }

  private async rotateIfFull(incoming: number): Promise<void> {
    const size = fileSize(this.path);
    if (size === null) {
      mkdirSync(path.dirname(this.path), { recursive: true });
      return;
    }
    if (size + incoming <= this.maxBytes) return;
    // Under the status lock, so two processes rotating at once cannot rotate twice and
    // overwrite the older generation with a nearly empty file.
    await withFileLock(this.lockPath, this.lock, async () => {
      const current = fileSize(this.path);
      if (current !== null && current + incoming > this.maxBytes) renameSync(this.path, rotatedPathFor(this.path));
    });
  }
}

function fileSize(file: string): number | null {
  try {
    return statSync(file).size;
  } catch {
    return null;
  }
}

export interface LeaseEventsRead {
  /** Oldest first: the rotated generation, then the current file. */
  events: LeaseEvent[];
  /** Lines that were not valid events (e.g. cut short by a crash), skipped. */
  skipped: number;
}

/** Reads events.jsonl (and its rotated generation) beside the given status file. */
export async function readLeaseEvents(statusPath: string = resolveCoordPath()): Promise<LeaseEventsRead> {
  const eventsPath = eventsPathFor(statusPath);
  const result: LeaseEventsRead = { events: [], skipped: 0 };
  for (const file of [rotatedPathFor(eventsPath), eventsPath]) {
    const text = readText(file);
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      const parsed = leaseEventSchema.safeParse(parseJson(line));
      if (parsed.success) result.events.push(parsed.data);
      else result.skipped++;
    }
  }
  return result;
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

function parseJson(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}

import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readLeaseEvents, type LeaseEventType, type LeaseOptions } from '../../../src/lease/index.js';

/**
 * A fresh coordination folder per test. tmpfs when the machine has one: fsync on this ext4
 * disk costs ~9 ms, which would turn thousands of stress rounds into minutes without
 * changing what the tests prove (rename atomicity and locking behave the same).
 */
export function tempCoordPath(): string {
  const base = existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir();
  const dir = mkdtempSync(path.join(base, 'ppbench-lease-'));
  created.push(dir);
  return path.join(dir, 'status.json');
}

const created: string[] = [];

/** For afterAll: removes the folders tempCoordPath made in this test file. */
export function removeTempCoordDirs(): void {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** Short but correctly ordered timings, so in-process tests run in milliseconds. */
export const fastTiming = {
  pollMs: 10,
  heartbeatMs: 40,
  staleMs: 300,
  maxWaitMs: 500,
  maxHoldMs: 3000,
} satisfies LeaseOptions;

export interface WarningSink {
  warn: (message: string) => void;
  messages: string[];
}

export function warningSink(): WarningSink {
  const messages: string[] = [];
  return { messages, warn: (m) => messages.push(m) };
}

export async function eventTypes(statusPath: string): Promise<LeaseEventType[]> {
  return (await readLeaseEvents(statusPath)).events.map((e) => e.type);
}

export const readJson = (file: string): unknown => JSON.parse(readFileSync(file, 'utf8'));

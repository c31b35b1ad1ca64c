import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** The shared volume of the compose setup (LEASE.md). */
export const CONTAINER_COORD_DIR = '/gpu_coord';

/**
 * Where status.json lives: `GPU_COORD_PATH`, else the container volume, else (outside a
 * container, where `/gpu_coord` does not exist) a per-machine folder under the OS tmpdir,
 * so a backend and a runner started on the same host still find each other.
 */
export function resolveCoordPath(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.GPU_COORD_PATH?.trim();
  if (fromEnv) return path.resolve(fromEnv);
  if (existsSync(CONTAINER_COORD_DIR)) return path.join(CONTAINER_COORD_DIR, 'status.json');
  return path.join(os.tmpdir(), 'promptpics-gpu', 'status.json');
}

/** Events live beside the status file so both containers see them on the same volume. */
export const eventsPathFor = (statusPath: string): string =>
  path.join(path.dirname(statusPath), 'events.jsonl');

export const lockPathFor = (statusPath: string): string => `${statusPath}.lock`;

import { existsSync } from 'node:fs';
import path from 'node:path';

/** Whether a path (or its nearest existing parent) exists: used to report reachability. */
export function nearestExisting(p: string): string | undefined {
  let current = path.resolve(p);
  for (;;) {
    if (existsSync(current)) return current;
    const parent = path.dirname(current);
    if (parent === current) return undefined;
    current = parent;
  }
}

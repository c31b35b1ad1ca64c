import { readFileSync } from 'node:fs';

/** The holders in a status.json (none when it is missing or unreadable). */
export function leaseHolders(statusFile: string): Array<{ owner: string; label?: string }> {
  try {
    return (JSON.parse(readFileSync(statusFile, 'utf8')) as { holders?: Array<{ owner: string; label?: string }> }).holders ?? [];
  } catch {
    return [];
  }
}

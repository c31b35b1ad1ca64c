import { randomBytes } from 'node:crypto';

/**
 * Unique per process, also across containers sharing a volume (where PIDs repeat): drawn once,
 * so naming a temp file costs no entropy call (the lease writes two per image).
 */
const processTag = `${process.pid}.${randomBytes(4).toString('hex')}`;
let counter = 0;

/**
 * A temp file name beside `target` (same folder, so renaming it over `target` is atomic),
 * unique among all writers. Ends in `suffix` so leftovers can be found and swept.
 */
export function tempPathFor(target: string, suffix = '.tmp'): string {
  counter += 1;
  return `${target}.${processTag}.${counter.toString(36)}${suffix}`;
}

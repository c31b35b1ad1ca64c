/**
 * Seeded generators of hostile JSON text (issue #19's fuzz corpus, TypeScript side): the same
 * seed gives the same cases on every machine, so a failure names a reproducible case.
 */
import { seededRandom } from '../../../src/random/seeded-random.js';

export interface Rng {
  next: () => number;
  int: (lo: number, hi: number) => number;
  pick: <T>(items: readonly T[]) => T;
  chance: (p: number) => boolean;
}

export function rng(seed: number): Rng {
  const next = seededRandom(seed);
  const int = (lo: number, hi: number): number => lo + Math.floor(next() * (hi - lo + 1));
  return { next, int, pick: (items) => items[int(0, items.length - 1)]!, chance: (p) => next() < p };
}

const NASTY_STRINGS = [
  '', ' ', '\u0000', '\ud800', '\udfff', '\u202e', '\ufeff', '💥'.repeat(50), '../../etc/passwd', '/dev/zero',
  'C:\\Windows\\system32', '%s%s%n', '${jndi:ldap://x}', '<script>', '\\', '"', "'; DROP TABLE runs; --", 'a'.repeat(5000),
];
const NASTY_NUMBERS = [0, -0, -1, 1, 0.5, -1e308, 1e308, 1e30, 2 ** 53, 2 ** 53 + 2, -(2 ** 31), 2 ** 32, 1e-320, 100000, 7.999999];

/** A random JSON value, nested up to `depth`. */
export function hostileValue(r: Rng, depth: number): unknown {
  const kind = r.int(0, depth > 0 ? 7 : 4);
  switch (kind) {
    case 0: return r.pick(NASTY_STRINGS);
    case 1: return r.pick(NASTY_NUMBERS);
    case 2: return r.pick([true, false, null]);
    case 3: return r.int(-10, 10_000);
    case 4: return r.pick(['sd15', 'sdxl-base', 'fake', 'native', 'cpu', 'cuda', 'fp16', 'EulerDiscreteScheduler']);
    case 5: return Array.from({ length: r.int(0, 4) }, () => hostileValue(r, depth - 1));
    default: {
      const o: Record<string, unknown> = {};
      for (let i = r.int(0, 4); i > 0; i--) o[r.pick(['__proto__', 'constructor', 'prototype', 'x', r.pick(NASTY_STRINGS)])] = hostileValue(r, depth - 1);
      return o;
    }
  }
}

/** `base` with some fields replaced, deleted or added (keeps most of a valid shape, so deep checks run). */
export function mutate(r: Rng, base: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = structuredClone(base);
  for (let i = r.int(1, 3); i > 0; i--) {
    const key = r.pick(keys);
    const what = r.int(0, 3);
    if (what === 0) delete out[key];
    else out[key] = hostileValue(r, 3);
  }
  if (r.chance(0.1)) out[r.pick(['__proto__', 'unknownField', 'constructor'])] = hostileValue(r, 2);
  return out;
}

/** Text that is not JSON, or JSON that hurts: truncated, deep, huge, odd encodings. */
export function hostileText(r: Rng, valid: string): string {
  switch (r.int(0, 9)) {
    case 0: return valid.slice(0, r.int(0, valid.length - 1));
    case 1: return '['.repeat(r.int(65, 200_000));
    case 2: { const d = r.int(65, 20_000); return '{"a":'.repeat(d) + '1' + '}'.repeat(d); }
    case 3: return `\ufeff${valid}`;
    case 4: return Array.from({ length: r.int(1, 300) }, () => String.fromCharCode(r.int(0, 0xffff))).join('');
    case 5: return valid.replace(/"/g, "'");
    case 6: return `${valid}${valid}`;
    case 7: return valid.replace(/:/, ': NaN, "x":');
    case 8: return `{"a": "${'\\u0000'.repeat(r.int(1, 1000))}", "b": 1e999}`;
    default: return JSON.stringify(hostileValue(r, 6));
  }
}

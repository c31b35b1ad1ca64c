import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { seedFor } from '../../src/runner/seed.js';

describe('seedFor(promptId, seedIndex)', () => {
  it('matches its documented definition: first 4 bytes (big-endian) of SHA-256("ppbench-seed-v1:<id>:<index>")', () => {
    // Computed independently (Python hashlib); these must never change.
    expect(seedFor('p001', 0)).toBe(3563458359);
    expect(seedFor('p001', 1)).toBe(1098710645);
    expect(seedFor('p042', 3)).toBe(1285847234);
    expect(seedFor('p100', 0)).toBe(3595321000);
  });

  it('is a pure uint32 function, different across ids and indices', () => {
    const seeds = new Set<number>();
    for (let p = 1; p <= 100; p++) {
      for (let i = 0; i < 4; i++) {
        const id = `p${String(p).padStart(3, '0')}`;
        const seed = seedFor(id, i);
        expect(Number.isInteger(seed) && seed >= 0 && seed <= 0xffffffff).toBe(true);
        expect(seed).toBe(createHash('sha256').update(`ppbench-seed-v1:${id}:${i}`).digest().readUInt32BE(0));
        seeds.add(seed);
      }
    }
    expect(seeds.size).toBe(400);
  });
});

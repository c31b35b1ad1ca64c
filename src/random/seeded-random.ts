/**
 * mulberry32: a small, fast 32-bit PRNG, good enough for bootstrap resampling and for picking
 * test and fuzz cases; the same seed gives the same stream on every machine. (The demo models'
 * weights use their own normal generator, src/demo/prng.ts.)
 */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

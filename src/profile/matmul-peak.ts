import { diagnostics } from '../native/binding.js';

const N = 256;

/**
 * The machine's measured fp32 matmul rate (GFLOP/s), as `ppbench doctor` measures it: an N³
 * product after one warm-up call; the best of `tries` so a single preempted call does not count.
 */
export async function measureMatmulGflops(device = 'cpu', tries = 3): Promise<number> {
  await diagnostics.matmul({ a: [N, N], b: [N, N], device });
  let best = Infinity;
  for (let i = 0; i < tries; i++) best = Math.min(best, (await diagnostics.matmul({ a: [N, N], b: [N, N], device })).ms);
  return (2 * N ** 3) / (best * 1e6);
}

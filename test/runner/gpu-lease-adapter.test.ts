import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createGpuLease } from '../../src/runner/engines/gpu-lease.js';
import { tempDir } from './helpers/bench-env.js';

describe('the runner side of the real GPU lease', () => {
  it('per-step heartbeats join the one in flight instead of queueing (fast steps must not delay the release)', async () => {
    const lease = createGpuLease({ path: path.join(tempDir(), 'status.json') });
    await lease.withGpuLease('benchmark', async (held) => {
      const first = held.heartbeat!();
      const burst = Array.from({ length: 50 }, () => held.heartbeat!());
      for (const p of burst) expect(p).toBe(first);
      await first;
      const next = held.heartbeat!();
      expect(next).not.toBe(first);
      await next;
      expect(held.signal.aborted).toBe(false);
    });
    expect((await lease.readEvents()).map((e) => e.type)).toEqual(['acquired', 'released']);
  });
});

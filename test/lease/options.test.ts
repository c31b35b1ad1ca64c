import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveCoordPath, resolveLeaseOptions, type LeaseOptions } from '../../src/lease/index.js';

describe('lease options', () => {
  it('defaults to the timings of LEASE.md, with a lock stale bound of half staleMs', () => {
    expect(resolveLeaseOptions({ path: '/x/status.json' }).timing).toEqual({
      pollMs: 50,
      heartbeatMs: 250,
      staleMs: 1500,
      maxWaitMs: 2000,
      maxHoldMs: 600_000,
      lockStaleMs: 750,
      settleMs: 100,
    });
  });

  it.each([
    [{ heartbeatMs: 50 }, 'heartbeatMs must be greater than pollMs (50), got 50'],
    [{ staleMs: 200 }, 'staleMs must be greater than heartbeatMs (250), got 200'],
    [{ maxWaitMs: 1000 }, 'maxWaitMs must be greater than staleMs (1500), got 1000'],
    [{ maxHoldMs: 2000 }, 'maxHoldMs must be greater than maxWaitMs (2000), got 2000'],
    [{ lockStaleMs: 1501 }, 'lockStaleMs must be at most staleMs (1500), got 1501'],
    [{ pollMs: -5 }, 'pollMs'],
    [{ pollMs: 1.5 }, 'pollMs'],
    [{ stale: 10 } as LeaseOptions, 'stale'],
  ])('rejects %j, naming the option', (options, message) => {
    expect(() => resolveLeaseOptions(options)).toThrow(
      expect.objectContaining({ code: 'ERR_LEASE_OPTIONS', message: expect.stringContaining(message) }),
    );
  });
});

describe('resolveCoordPath', () => {
  it('follows GPU_COORD_PATH', () => {
    expect(resolveCoordPath({ GPU_COORD_PATH: '/shared/coord/status.json' })).toBe('/shared/coord/status.json');
  });

  it('uses /gpu_coord when it exists, else a folder under the OS tmpdir', () => {
    const expected = existsSync('/gpu_coord')
      ? '/gpu_coord/status.json'
      : path.join(os.tmpdir(), 'promptpics-gpu', 'status.json');
    expect(resolveCoordPath({})).toBe(expected);
    expect(resolveCoordPath({ GPU_COORD_PATH: '  ' })).toBe(expected);
  });
});

import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import { buildLeaseForChildren } from './helpers/build.js';

/*
 * LEASE.md promise 1, measured by the same script as `npm run bench:lease` (which only
 * prints), with fewer trials and shorter steps: a benchmark process generating fake images
 * of 100 ms steps, and a backend acquiring 20 times. The backend's added wait must stay
 * within one step + pollMs, even at the worst trial. "One step" is the longest step the
 * generator actually took: on an overloaded machine a 100 ms sleep can take much longer, and
 * the promise is about yielding at the next unit boundary, not about the machine's timers.
 */
it('the backend waits at most one denoising step + pollMs for the benchmark to yield', () => {
  const script = path.join(buildLeaseForChildren().root, 'scripts', 'bench-lease.js');
  const dir = existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir();
  const out = execFileSync(process.execPath, [script, '--trials', '20', '--step-ms', '100', '--steps', '10', '--dir', dir, '--json'], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  const result = JSON.parse(out.trim().split('\n').at(-1)!) as Record<string, number>;
  console.log(`preemption latency (20 trials, 100 ms steps): ${JSON.stringify(result)}`);
  expect(result).toMatchObject({ trials: 20, stepMs: 100, boundMs: 150, overlaps: 0 });
  expect(result.p99).toBeLessThanOrEqual(Math.max(result.stepMs!, result.longestStepMs!) + result.pollMs!);
});

/**
 * Preemption latency of the GPU lease (LEASE.md "What we add", promise 1): a fake benchmark
 * generator in a child process holds the lease image after image, each image `--steps` steps
 * of `--step-ms`, checking lease.signal (and calling lease.heartbeat()) between steps, as the
 * runner does between denoising steps. This process plays the backend: `--trials` times it
 * arrives at a random moment, acquires, "generates" for 20 ms and releases. It prints the
 * percentiles of the backend's added wait; the target is at most one step + pollMs at p99.
 * A busy machine stretches the steps themselves, so the longest step the generator actually
 * took is reported too: that is the "unit of GPU work" of LEASE.md's bound.
 * It only measures; test/lease/preemption-latency.test.ts asserts the bound with fewer trials.
 *
 *   npm run bench:lease -- [--trials 200] [--step-ms 200] [--steps 10] [--dir <folder>] [--json]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { acquireGpuLease, resolveLeaseOptions, withGpuLease } from '../src/lease/index.js';

const { values: args } = parseArgs({
  options: {
    role: { type: 'string', default: 'backend' },
    trials: { type: 'string', default: '200' },
    'step-ms': { type: 'string', default: '200' },
    steps: { type: 'string', default: '10' },
    dir: { type: 'string' },
    path: { type: 'string' },
    json: { type: 'boolean', default: false },
  },
});

const positive = (name: string, value: string | undefined): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} must be a positive integer, got ${value}`);
  return n;
};
const trials = positive('trials', args.trials);
const stepMs = positive('step-ms', args['step-ms']);
const steps = positive('steps', args.steps);
const BACKEND_WORK_MS = 20;

/** The fake generator: images until killed; a preempted image is simply started again. */
async function runBenchmark(statusPath: string): Promise<void> {
  for (;;) {
    await withGpuLease(
      'benchmark',
      async (lease) => {
        process.stdout.write('HOLDING\n');
        for (let step = 0; step < steps; step++) {
          const started = performance.now();
          await sleep(stepMs);
          // Yield at once if the background check already saw the want; otherwise check now.
          if (!lease.signal.aborted) await lease.heartbeat();
          process.stdout.write(`STEP ${performance.now() - started}\n`);
          if (lease.signal.aborted) break;
        }
      },
      { path: statusPath, label: 'bench-lease/fake-image' },
    );
  }
}

const percentile = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;

async function runBackend(): Promise<void> {
  const dir = mkdtempSync(path.join(args.dir ?? os.tmpdir(), 'ppbench-bench-lease-'));
  const statusPath = path.join(dir, 'status.json');
  const { pollMs } = resolveLeaseOptions().timing;
  const child = spawn(process.execPath, [process.argv[1]!, '--role', 'benchmark', '--path', statusPath,
    '--step-ms', String(stepMs), '--steps', String(steps)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let longestStepMs = 0;
  let pending = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    const lines = (pending + chunk).split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) if (line.startsWith('STEP ')) longestStepMs = Math.max(longestStepMs, Number(line.slice(5)));
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout.once('data', () => resolve());
    child.once('exit', (code) => reject(new Error(`benchmark child exited early (code ${code})`)));
  });
  const waits: number[] = [];
  let overlaps = 0;
  try {
    for (let i = 0; i < trials; i++) {
      // Arrive at a uniformly random phase of a step, after the benchmark took the GPU back.
      await sleep(3 * pollMs + Math.random() * stepMs);
      const lease = await acquireGpuLease('backend', { path: statusPath, label: `bench-lease/trial-${i}` });
      waits.push(lease.waitedMs);
      if (lease.overlap) overlaps++;
      await sleep(BACKEND_WORK_MS);
      await lease.release();
    }
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    rmSync(dir, { recursive: true, force: true });
  }
  const sorted = [...waits].sort((a, b) => a - b);
  const round = (n: number) => Math.round(n * 10) / 10;
  const result = {
    trials,
    stepMs,
    pollMs,
    boundMs: stepMs + pollMs,
    longestStepMs: round(longestStepMs),
    p50: round(percentile(sorted, 50)),
    p95: round(percentile(sorted, 95)),
    p99: round(percentile(sorted, 99)),
    max: round(sorted.at(-1) ?? Number.NaN),
    overlaps,
  };
  if (args.json) {
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return;
  }
  process.stdout.write(
    `backend added wait over ${trials} acquisitions (benchmark steps of ${stepMs} ms, pollMs ${pollMs}):\n` +
      `  p50 ${result.p50} ms   p95 ${result.p95} ms   p99 ${result.p99} ms   max ${result.max} ms\n` +
      `  target: p99 <= one step + poll = ${result.boundMs} ms (longest step actually taken: ${result.longestStepMs} ms); ` +
      `overlaps: ${overlaps}\n`,
  );
}

if (args.role === 'benchmark') await runBenchmark(args.path!);
else await runBackend();

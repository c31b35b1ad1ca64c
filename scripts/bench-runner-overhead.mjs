#!/usr/bin/env node
/**
 * What the runner adds per image around the engine: the loop with a no-op fake generator,
 * once bare (generate calls only) and once as `ppbench run` does it — the real GPU lease
 * (acquire, heartbeat each step, release, on a temp status.json), the SQLite row and the PNG
 * written atomically — with calm pause 0 and scoring off. Prints ms per image; the target is
 * an overhead below 5 ms. It only measures (no asserts).
 *
 *   npm run bench:runner -- [--images 200] [--size 64] [--steps 1] [--repeats 5] [--coord-dir DIR] [--json]
 *
 * The lease writes status.json with fsync on every change, so its share depends on the disk
 * under --coord-dir (default: the OS temp folder); compare with a tmpfs such as /dev/shm.
 *
 * Runs against dist/ (npm run bench:runner compiles first).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { parseRunConfig } from '../dist/config/load-run-config.js';
import { noLease } from '../dist/runner/benchmark-lease.js';
import { fakeEngine } from '../dist/runner/engines/engine.js';
import { FakeGenerator, fakePixels } from '../dist/runner/engines/fake-generator.js';
import { createGpuLease } from '../dist/runner/engines/gpu-lease.js';
import { planRun } from '../dist/runner/plan.js';
import { runBenchmark } from '../dist/runner/run-benchmark.js';
import { encodePng } from '../dist/store/png/encode-png.js';
import { ResultStore } from '../dist/store/result-store.js';

const { values: args } = parseArgs({
  options: {
    images: { type: 'string', default: '200' },
    size: { type: 'string', default: '64' },
    steps: { type: 'string', default: '1' },
    'coord-dir': { type: 'string', default: os.tmpdir() },
    repeats: { type: 'string', default: '5' },
    json: { type: 'boolean', default: false },
  },
});
const images = Number(args.images);
const size = Number(args.size);
const steps = Number(args.steps);
const seedsPerPrompt = Math.ceil(images / 100);

const config = parseRunConfig(
  {
    engine: 'fake',
    models: [{ key: 'sd-turbo', width: size, height: size, steps }],
    prompts: { first: Math.ceil(images / seedsPerPrompt) },
    seedsPerPrompt,
    device: 'cpu',
    calmPauseMs: 0,
    scoring: { enabled: false },
  },
  'bench config',
  process.cwd(),
);
const plan = planRun(config);
const units = plan.models[0].units;
const settings = plan.models[0].settings;

/**
 * Wall and CPU time (user + system, all threads: zlib runs on the thread pool) per image. CPU
 * time is what the runner costs; wall time also shows waiting (disk, a busy machine).
 */
async function perImage(work) {
  const cpu = process.cpuUsage();
  const started = performance.now();
  await work();
  const used = process.cpuUsage(cpu);
  return { wall: (performance.now() - started) / units.length, cpu: (used.user + used.system) / 1000 / units.length };
}

/** The floor: the same generate calls, nothing around them. */
function bare() {
  const generator = new FakeGenerator({ msPerStep: 0 });
  const signal = new AbortController().signal;
  return perImage(async () => {
    for (const unit of units) {
      await generator.generate({ prompt: unit.prompt, seed: unit.seed, steps, guidance: 0, width: size, height: size, signal, onStep: () => {} });
    }
  });
}

/** The runner loop into a fresh results dir. */
async function runner(withLease) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ppbench-overhead-'));
  const store = ResultStore.open(path.join(dir, 'ppbench.sqlite'));
  const coord = mkdtempSync(path.join(args['coord-dir'], 'ppbench-overhead-coord-'));
  const lease = withLease ? createGpuLease({ path: path.join(coord, 'status.json') }) : noLease;
  try {
    return await perImage(async () => {
      const result = await runBenchmark(plan, { store, resultsDir: dir, engine: fakeEngine('cpu', 0), lease }, { fresh: true });
      if (result.status !== 'completed') throw new Error(`run ended ${result.status}`);
    });
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
    rmSync(coord, { recursive: true, force: true });
  }
}

/** PNG encoding is done after the lease is released, while the next image generates; shown for real image sizes. */
async function pngMs(px) {
  const rgb = fakePixels(7, px, px);
  await encodePng(rgb, px, px);
  const n = 5;
  const started = performance.now();
  for (let i = 0; i < n; i++) await encodePng(rgb, px, px);
  return (performance.now() - started) / n;
}

/** Median of `repeats` interleaved trials, so a busy machine disturbs each mode alike. */
async function medians(repeats) {
  const trials = { bare: [], dbPng: [], full: [] };
  for (let i = 0; i < repeats; i++) {
    trials.bare.push(await bare());
    trials.dbPng.push(await runner(false));
    trials.full.push(await runner(true));
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const both = (xs) => ({ wall: median(xs.map((x) => x.wall)), cpu: median(xs.map((x) => x.cpu)) });
  return { bare: both(trials.bare), dbPng: both(trials.dbPng), full: both(trials.full) };
}

await runner(true); // warm-up: module loading, JIT, SQLite page cache
const m = await medians(Number(args.repeats));
const results = {
  coordDir: args['coord-dir'],
  images: units.length,
  size,
  steps,
  repeats: Number(args.repeats),
  msPerImage: m,
  overheadMsPerImage: { wall: m.full.wall - m.bare.wall, cpu: m.full.cpu - m.bare.cpu },
  png512Ms: await pngMs(512),
  png1024Ms: await pngMs(1024),
};

if (args.json) {
  process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
} else {
  const f = (v) => `${v.wall.toFixed(2).padStart(7)} ms wall ${v.cpu.toFixed(2).padStart(7)} ms CPU`;
  const d = (a, b) => ({ wall: a.wall - b.wall, cpu: a.cpu - b.cpu });
  process.stdout.write(
    [
      `runner overhead: ${results.images} images of ${size}x${size}, ${steps} step(s), no-op fake generator, calm pause 0, scoring off; median of ${results.repeats} trials, per image`,
      `  bare loop (generate only)        ${f(m.bare)}`,
      `  + SQLite row + atomic PNG        ${f(m.dbPng)}   (runner's own share ${f(d(m.dbPng, m.bare)).trim()})`,
      `  + real GPU lease                 ${f(m.full)}   (lease share ${f(d(m.full, m.dbPng)).trim()}; status.json in ${args['coord-dir']})`,
      `  overhead (full - bare)           ${f(results.overheadMsPerImage)}   (target < 5 ms)`,
      `  PNG encode, after release, overlapping the next image: 512 px ${results.png512Ms.toFixed(1)} ms, 1024 px ${results.png1024Ms.toFixed(1)} ms`,
      '',
    ].join('\n'),
  );
}

// Per-UNet-call time of our engine (build/Release/unet-bench) and of diffusers on the same UNet
// folders, same size, batch, threads and torch, measured in one run. Prints numbers, asserts nothing.
//
//   npm run bench:engine -- [--case UNET_DIR:PX …] [--iters N] [--threads N]
//
// Default cases: the sd15-tiny fixture UNet at 64 px and the full-size SD 1.5 UNet config (random
// weights) at 256 px, both under $PPBENCH_SHARED_DIR. diffusers runs with $PPBENCH_PYTHON (default
// .venv/bin/python) and whatever PYTHONPATH holds; when it cannot be imported the script says so and
// prints our numbers only.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const { values } = parseArgs({
  options: {
    case: { type: 'string', multiple: true },
    iters: { type: 'string', default: '5' },
    threads: { type: 'string', default: '2' },
  },
});
const shared = process.env.PPBENCH_SHARED_DIR;
const cases = (values.case ?? (shared
  ? [`${path.join(shared, 'fixtures', 'sd15-tiny', 'unet')}:64`, `${path.join(shared, 'spec', 'configs', 'sd15', 'unet')}:256`]
  : [])).map((c) => {
  const at = c.lastIndexOf(':');
  return { dir: c.slice(0, at), px: Number(c.slice(at + 1)) };
});
if (cases.length === 0) {
  console.error('bench:engine: give --case UNET_DIR:PX or set PPBENCH_SHARED_DIR');
  process.exit(2);
}
const bench = path.join(root, 'build', 'Release', 'unet-bench');
if (!existsSync(bench)) {
  console.error(`bench:engine: ${bench} is missing (npm run build:native)`);
  process.exit(2);
}
const python = process.env.PPBENCH_PYTHON ?? path.join(root, '.venv', 'bin', 'python');
const BATCH = 2; // classifier-free guidance

const probe = spawnSync(python, ['-c', 'import diffusers, torch; print(diffusers.__version__, torch.__version__)'], { encoding: 'utf8' });
const diffusers = probe.status === 0 ? probe.stdout.trim() : undefined;
if (!diffusers) {
  const why = (probe.stderr || String(probe.error ?? '')).trim().split('\n').pop();
  console.log(`diffusers is not importable with ${python} (${why}); printing the engine's numbers only.`);
  console.log('Recipe: README.md, "bench:engine".');
} else {
  console.log(`diffusers ${diffusers.split(' ')[0]}, torch ${diffusers.split(' ')[1]}`);
}

function ours(dir, px) {
  const r = spawnSync(bench, [dir, '--width', String(px), '--height', String(px), '--batch', String(BATCH),
    '--iters', values.iters, '--threads', values.threads], { encoding: 'utf8' });
  const m = /wall median ([\d.]+) ms, min ([\d.]+) ms; cpu median ([\d.]+) ms, min ([\d.]+) ms/.exec(r.stdout);
  if (r.status !== 0 || !m) throw new Error(`unet-bench failed on ${dir}: ${r.stderr || r.stdout}`);
  return { wallMs: Number(m[1]), minWallMs: Number(m[2]), cpuMs: Number(m[3]), minCpuMs: Number(m[4]) };
}

function reference(dir, px) {
  const r = spawnSync(python, [path.join(root, 'scripts', 'bench-engine-diffusers.py'), dir, String(px), String(px),
    String(BATCH), values.iters, values.threads], { encoding: 'utf8', env: { ...process.env, TQDM_DISABLE: '1' } });
  if (r.status !== 0) throw new Error(`diffusers failed on ${dir}: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

// On a shared machine the minimum is the steadier figure (the call least disturbed); the median says
// what a typical call costs under the load there was.
const times = (t) => `${t.wallMs.toFixed(1)} ms wall (${t.cpuMs.toFixed(1)} ms cpu), min ${t.minWallMs.toFixed(1)} ms wall (${t.minCpuMs.toFixed(1)} ms cpu)`;
const ratio = (a, b, key) => (a[key] / b[key]).toFixed(2);
console.log(`batch ${BATCH}, ${values.threads} threads, median and min of ${values.iters} calls after one warm-up`);
for (const { dir, px } of cases) {
  const a = ours(dir, px);
  const line = [`${dir} @ ${px} px`, `engine ${times(a)}`];
  if (diffusers) {
    const b = reference(dir, px);
    line.push(`diffusers ${times(b)}`);
    line.push(`ratio ${ratio(a, b, 'wallMs')}x wall, ${ratio(a, b, 'cpuMs')}x cpu (min: ${ratio(a, b, 'minWallMs')}x wall, ${ratio(a, b, 'minCpuMs')}x cpu)`);
  }
  console.log(line.join('; '));
}

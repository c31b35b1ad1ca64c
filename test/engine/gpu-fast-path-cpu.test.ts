// Issue #18 "GPU fast path", the CPU side of its pieces: per-step timings through the addon (read
// from device marks, which are the clock on the CPU), the CUDA numerics policy in deviceInfo() and
// its environment switches, and pipeline-bench (the side-by-side's timing tool) on a tiny model.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { addonPath } from '../../src/native/binding.js';
import { caseOptions, cpuPipelines, goldenCases, tokenIds } from '../helpers/golden.js';
import { projectRoot } from '../helpers/shared.js';
import { tempDir } from '../runner/helpers/bench-env.js';

const pipelineFor = cpuPipelines();
const [c] = goldenCases(['sd15-tiny']);

function deviceInfoWith(env: Record<string, string>): { stdout: string; stderr: string } {
  // A process of its own: the policy is read once, when the addon loads.
  const script = `console.log(JSON.stringify(require(${JSON.stringify(addonPath())}).device.info().cudaNumerics))`;
  const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 60_000 });
  expect(r.status, r.stderr).toBe(0);
  return { stdout: r.stdout.trim(), stderr: r.stderr };
}

describe('GPU fast path pieces on the CPU', () => {
  it('timings.stepMs has one entry per step, each covering its UNet call; the stages add up to at most the total', async () => {
    const pipeline = await pipelineFor(c!.modelDir);
    const r = await pipeline.generate(caseOptions(c!));
    const t = r.timings;
    expect(t.stepMs).toHaveLength(r.timesteps.length);
    t.stepMs.forEach((ms, i) => {
      expect(ms).toBeGreaterThan(0);
      expect(ms).toBeGreaterThanOrEqual(t.unetMs[i]!);
    });
    const stages = t.textEncodeMs + t.stepMs.reduce((a, b) => a + b, 0) + t.vaeDecodeMs;
    expect(stages).toBeLessThanOrEqual(t.totalMs * 1.01);
  });

  it("deviceInfo().cudaNumerics: PyTorch's TF32 defaults unless PPBENCH_TF32 says otherwise; cuDNN autotuning switchable", () => {
    expect(JSON.parse(deviceInfoWith({}).stdout)).toEqual({ tf32: 'torch', tf32Convolutions: true, tf32Matmul: false, cudnnBenchmark: true });
    expect(JSON.parse(deviceInfoWith({ PPBENCH_TF32: 'on', PPBENCH_CUDNN_BENCHMARK: '0' }).stdout)).toEqual({
      tf32: 'on', tf32Convolutions: true, tf32Matmul: true, cudnnBenchmark: false,
    });
    expect(JSON.parse(deviceInfoWith({ PPBENCH_TF32: 'off' }).stdout)).toMatchObject({ tf32Convolutions: false, tf32Matmul: false });
    const bad = deviceInfoWith({ PPBENCH_TF32: 'sometimes' });
    expect(JSON.parse(bad.stdout)).toMatchObject({ tf32: 'torch' });
    expect(bad.stderr).toContain('PPBENCH_TF32="sometimes" is not "torch", "on" or "off"');
  });

  it('pipeline-bench times warm-up and measured images of a folder and writes them as JSON', () => {
    const dir = tempDir('ppbench-pipeline-bench-');
    const ids = path.join(dir, 'ids.json');
    const toLists = (a: Int32Array[] | undefined) => (a ?? []).map((x) => Array.from(x));
    writeFileSync(ids, JSON.stringify({ prompt: toLists(tokenIds(c!, 'prompt')), negative: toLists(tokenIds(c!, 'negative')) }));
    const out = path.join(dir, 'bench.json');
    const bench = path.join(projectRoot, 'build', 'Release', 'pipeline-bench');
    const args = ['--model', c!.modelDir, '--ids', ids, '--device', 'cpu', '--dtype', 'fp32', '--width', '64', '--height', '64',
      '--steps', '3', '--warmup', '1', '--images', '2', '--json', out];
    const r = spawnSync(bench, args, { encoding: 'utf8', timeout: 120_000 });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/pipeline-bench .* e2e median [\d.]+ ms, step median [\d.]+ ms/);
    const j = JSON.parse(readFileSync(out, 'utf8')) as Record<string, unknown> & { runs: Array<Record<string, unknown>> };
    expect(j.runs.map((x) => x.warmup)).toEqual([true, false, false]);
    expect(j.e2eMsMedian as number).toBeGreaterThan(j.stepMsMedian as number);
    expect(j.stepMsMedian as number).toBeGreaterThan(0);
    expect(j.peakAllocated as number).toBeGreaterThan(0);
    expect(j.runs[1]!.cudaGraphs).toMatch(/^eager: CUDA graphs need a CUDA device/);

    const missing = spawnSync(bench, [...args.slice(0, 2), '--ids', path.join(dir, 'absent.json')], { encoding: 'utf8' });
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/^pipeline-bench: \[ERR_[A-Z_]+\] .*absent\.json/);
  });
});

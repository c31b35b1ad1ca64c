// Issue #18 "CUDA graphs", the CPU side: GenerateOptions.cudaGraphs reaches the engine through the
// library, the CLI flag and the run config; off a CUDA device 'auto' means eager and 'on' falls back
// to eager with its reason; the steps (and so the latents) are exactly the eager ones; cancellation
// still acts between steps. Capture and replay themselves run in scripts/gpu-check.sh on a GPU.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseRunConfig } from '../../src/config/load-run-config.js';
import { prepareRun } from '../../src/runner/prepare-run.js';
import { caseOptions, cpuPipelines, goldenCases, maxAbsDiff } from '../helpers/golden.js';
import { tempDir } from '../runner/helpers/bench-env.js';

const pipelineFor = cpuPipelines();
const [c] = goldenCases(['sd15-tiny']);

describe('cudaGraphs on the CPU', () => {
  it("'on' runs eager and says why, 'auto' is quietly eager, 'off' is eager: the same latents, no capture stage", async () => {
    const pipeline = await pipelineFor(c!.modelDir);
    const base = { ...caseOptions(c!), decode: false };
    const off = await pipeline.generate({ ...base, cudaGraphs: 'off' });
    const on = await pipeline.generate({ ...base, cudaGraphs: 'on' });
    const auto = await pipeline.generate(base);
    expect(off.cudaGraphs).toEqual({ mode: 'off', used: false, reason: 'cudaGraphs is off' });
    expect(on.cudaGraphs).toMatchObject({ mode: 'on', used: false });
    expect(on.cudaGraphs.reason).toMatch(/CUDA graphs need a CUDA device \(device cpu\); running eager/);
    expect(auto.cudaGraphs).toMatchObject({ mode: 'auto', used: false });
    for (const r of [off, on, auto]) {
      expect(maxAbsDiff(r.latents, off.latents)).toBe(0);
      expect(r.timings.graphCaptureMs).toBe(0);
      expect(r.timings.unetMs).toHaveLength(r.timesteps.length);
    }
  });

  it('an unknown mode is ERR_INVALID_ARG before any work', async () => {
    const pipeline = await pipelineFor(c!.modelDir);
    await expect(
      pipeline.generate({ ...caseOptions(c!), decode: false, cudaGraphs: 'sometimes' as 'on' }),
    ).rejects.toMatchObject({ code: 'ERR_INVALID_ARG', message: expect.stringMatching(/cudaGraphs/) });
  });

  it("with 'on', cancelling at the first step's callback stops the loop before its last step", async () => {
    const pipeline = await pipelineFor(c!.modelDir);
    const stop = new AbortController();
    const seen: number[] = [];
    await expect(
      pipeline.generate({
        ...caseOptions(c!),
        steps: 20,
        cudaGraphs: 'on',
        signal: stop.signal,
        onStep: (e) => {
          seen.push(e.index);
          stop.abort();
        },
      }),
    ).rejects.toMatchObject({ code: 'ERR_CANCELLED' });
    // onStep reaches JavaScript asynchronously, so the engine may begin one more step before the
    // token fires; it must stop at the next check between steps, long before step 20 of 20.
    expect(seen[0]).toBe(0);
    expect(seen.length).toBeLessThan(20);
  });
});

describe('cudaGraphs in the run config and `ppbench run --cuda-graphs`', () => {
  it('the config takes auto | on | off (absent = the engine default) and rejects other values', () => {
    const base = { engine: 'fake', models: ['sd15'], device: 'cpu' };
    expect(parseRunConfig({ ...base, cudaGraphs: 'on' }, 't', process.cwd()).cudaGraphs).toBe('on');
    expect(parseRunConfig(base, 't', process.cwd()).cudaGraphs).toBeUndefined();
    expect(() => parseRunConfig({ ...base, cudaGraphs: 'sometimes' }, 't', process.cwd())).toThrow(/cudaGraphs/);
  });

  it('--cuda-graphs overrides the config, and the identity of the run does not depend on it', () => {
    const file = path.join(tempDir(), 'c.json');
    writeFileSync(file, JSON.stringify({ engine: 'fake', models: ['sd15'], device: 'cpu', cudaGraphs: 'off' }));
    const asWritten = prepareRun({ config: file });
    const overridden = prepareRun({ config: file, cudaGraphs: 'on' });
    expect(asWritten.plan.config.cudaGraphs).toBe('off');
    expect(overridden.plan.config.cudaGraphs).toBe('on');
    expect(overridden.plan.identity).toBe(asWritten.plan.identity);
  });
});

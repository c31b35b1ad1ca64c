import { describe, expect, it } from 'vitest';
import { parseRunConfig } from '../../src/config/load-run-config.js';
import { CodedError } from '../../src/errors/coded-error.js';
import { hookedEngine, plan, runInto, tempDir, testConfig } from './helpers/bench-env.js';

describe('the outcome of a run', () => {
  it('a run in which every image failed ends "failed", not "completed"', async () => {
    const engine = hookedEngine({ beforeGenerate: () => { throw new CodedError('ERR_INVALID_ARG', 'width 100000 is too large'); } });
    const run = await runInto(tempDir(), plan(testConfig()), { engine });
    try {
      expect(run.status).toBe('failed');
      expect(run.store.runs.get(run.runId)?.status).toBe('failed');
    } finally {
      run.store.close();
    }
  });

  it('a model that failed to load leaves the run incomplete (a rerun tries it again), not failed', async () => {
    const engine = hookedEngine({ failLoad: () => new CodedError('ERR_MODEL_LOAD', 'bad weights') });
    const run = await runInto(tempDir(), plan(testConfig()), { engine });
    run.store.close();
    expect(run.status).toBe('incomplete');
  });

  it('one image made is enough for "completed" when the others failed', async () => {
    let n = 0;
    const engine = hookedEngine({ beforeGenerate: () => { if (n++ > 0) throw new CodedError('ERR_CUDA_OOM', 'out of memory'); } });
    const run = await runInto(tempDir(), plan(testConfig()), { engine });
    run.store.close();
    expect(run.status).toBe('completed');
  });

  it('the config schema bounds width, height and steps as the CLI does', () => {
    const parse = (m: Record<string, unknown>) => () => parseRunConfig({ models: [{ key: 'sd15', ...m }] }, 'c.json', process.cwd());
    expect(parse({ width: 100000 })).toThrow('c.json: models[0].width: Too big: expected number to be <=16384');
    expect(parse({ height: 16392 })).toThrow('c.json: models[0].height: Too big: expected number to be <=16384');
    expect(parse({ steps: 1001 })).toThrow('c.json: models[0].steps: Too big: expected number to be <=1000');
    expect(parse({ width: 16384, height: 16384, steps: 1000 })).not.toThrow();
  });
});

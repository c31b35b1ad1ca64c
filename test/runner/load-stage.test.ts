// Issue #18 "Model load time as a stage of its own": the runner times each model's load apart from
// its images, stores it in run_models.load_ms and shows it in the run summary.
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { summarizeRun } from '../../src/runner/summary.js';
import type { ImageResult } from '../../src/store/rows.js';
import { hookedEngine, plan, runInto, tempDir, testConfig } from './helpers/bench-env.js';

// Long against a fake 64x64 image (a few ms), so the latency bound holds on a loaded machine.
const LOAD_MS = 600;

describe('model load stage', () => {
  it('a slow load is recorded as load_ms and in the summary, and is in none of the image latencies', async () => {
    const base = hookedEngine({ failLoad: (m) => (m === 'ssd1b' ? Object.assign(new Error('no weights'), { code: 'ERR_MODEL_LOAD' }) : undefined) });
    const engine = {
      ...base,
      createGenerator: async (...args: Parameters<typeof base.createGenerator>) => {
        await sleep(LOAD_MS);
        return base.createGenerator(...args);
      },
    };
    const run = await runInto(tempDir(), plan(testConfig()), { engine });
    try {
      const loads = run.store.runs.modelLoads(run.runId);
      const turbo = loads.find((l) => l.model === 'sd-turbo')!;
      expect(turbo.status).toBe('loaded');
      // Timers may fire a little early or late; the bound only needs to show the sleep was counted.
      expect(turbo.loadMs).toBeGreaterThanOrEqual(LOAD_MS - 5);
      expect(loads.find((l) => l.model === 'ssd1b')!.status).toBe('load-failed');
      const images = run.store.images.results(run.runId).filter((r) => r.model === 'sd-turbo' && r.status === 'ok');
      expect(images.length).toBeGreaterThan(0);
      for (const img of images) expect(img.latencyMs!).toBeLessThan(LOAD_MS);
      const [turboRow, ssdRow] = summarizeRun(images, [{ key: 'sd-turbo' }, { key: 'ssd1b' }], loads);
      expect(turboRow!.loadMs).toBe(turbo.loadMs);
      expect(ssdRow!.loadMs).toBeNull();
      expect(ssdRow!.loadError).toMatch(/ERR_MODEL_LOAD/);
    } finally {
      run.store.close();
    }
  });

  it('without a load record the summary says null, not 0', () => {
    const row = summarizeRun([{ model: 'm', status: 'ok', latencyMs: 5, peakMemoryBytes: null, scores: {} } as unknown as ImageResult], [{ key: 'm' }]);
    expect(row[0]!.loadMs).toBeNull();
  });
});

// loadPipeline reports family and features detected from configs and weights, never from the
// folder name: copying a tiny model under a misleading name changes nothing.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadNativePipeline } from '../../src/native/binding.js';
import type { ModelFamily, ModelFeatures } from '../../src/native/types.js';
import { fixturesDir } from '../helpers/shared.js';

const expected: Record<string, { family: ModelFamily; features: Partial<ModelFeatures> }> = {
  'sd15-tiny': { family: 'sd1', features: { prediction: 'epsilon', dualTextEncoders: false, edmScheduler: false } },
  'sd21-tiny': { family: 'sd2', features: { prediction: 'v_prediction', dualTextEncoders: false } },
  'sd-turbo-tiny': { family: 'sd2', features: { prediction: 'epsilon', dualTextEncoders: false } },
  'sdxl-tiny': { family: 'sdxl', features: { dualTextEncoders: true, asymmetricUnet: false, latentsMeanStd: false } },
  'sdxl-turbo-tiny': { family: 'sdxl', features: { dualTextEncoders: true, asymmetricUnet: false } },
  'ssd1b-tiny': { family: 'sdxl', features: { dualTextEncoders: true, asymmetricUnet: true } },
  'playground25-tiny': { family: 'sdxl', features: { edmScheduler: true, latentsMeanStd: true, asymmetricUnet: false } },
};

const scratch = mkdtempSync(path.join(tmpdir(), 'ppbench-family-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe.each(Object.entries(expected))('%s', (model, want) => {
  it('is detected with its features, whatever the folder is called', async () => {
    const renamed = path.join(scratch, `sd15-${model.replace(/\W/g, '')}-copy`);
    cpSync(path.join(fixturesDir(), model), renamed, { recursive: true });
    const pipeline = await loadNativePipeline({ modelDir: renamed, device: 'cpu', dtype: 'fp32' });
    try {
      const info = pipeline.info();
      expect(info.family).toBe(want.family);
      expect(info.features).toMatchObject(want.features);
      expect(info.textEncoders).toBe(want.family === 'sdxl' ? 2 : 1);
      expect(info.components.vae!.skipped).toBeGreaterThanOrEqual(0);
    } finally {
      await pipeline.dispose();
    }
  });
});

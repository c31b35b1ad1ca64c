// On CPU every generation reports the process's peak RSS while it ran (Linux resets the peak at
// the start of the call), so the runner can store a per-image figure instead of nothing.
import { statSync } from 'node:fs';
import { totalmem } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Pipeline } from '../../src/pipeline/pipeline.js';
import { fixturesDir } from '../helpers/shared.js';

describe.runIf(process.platform === 'linux')('CPU peak memory per image', () => {
  it('is the peak RSS of the call, which holds at least the resident weights', async () => {
    const modelDir = path.join(fixturesDir(), 'sd15-tiny');
    const pipeline = await Pipeline.load({ modelDir, device: 'cpu', dtype: 'fp32' });
    try {
      const options = { prompt: 'a red cube', negativePrompt: '', seed: 1, steps: 1, guidance: 7.5, width: 64, height: 64 };
      const first = await pipeline.generate(options);
      const second = await pipeline.generate(options);
      const unetWeights = statSync(path.join(modelDir, 'unet', 'diffusion_pytorch_model.safetensors')).size;
      for (const r of [first, second]) {
        expect(r.memory.cuda).toBe(false);
        expect(r.memory.peakSinceReset).toBe(true);
        expect(r.memory.peakAllocated).toBeGreaterThan(unetWeights);
        expect(r.memory.peakAllocated).toBeLessThan(totalmem());
      }
    } finally {
      await pipeline.dispose();
    }
  });
});

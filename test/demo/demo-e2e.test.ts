import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoModelSettings, DEMO_MODEL_KEYS, ensureDemoModels, type DemoModels } from '../../src/demo/index.js';
import { Pipeline } from '../../src/pipeline/pipeline.js';

const PROMPTS = [
  'an elderly fisherman mending a net on a wooden pier at dawn, weathered hands, soft golden light',
  'a red bicycle leaning against a white fence',
  'three yellow ducks floating on a calm pond',
];

describe('demo models end to end on the native engine (CPU, fp32)', () => {
  let root: string;
  let demo: DemoModels;
  const timings: Record<string, number> = {};

  beforeAll(async () => {
    root = mkdtempSync(path.join(tmpdir(), 'ppbench-demo-e2e-'));
    demo = await ensureDemoModels(root);
  });

  afterAll(() => {
    if (root) rmSync(root, { recursive: true, force: true });
    if (Object.keys(timings).length > 0) {
      const rows = Object.entries(timings).map(([k, ms]) => `${k.padEnd(13)} ${ms.toFixed(1).padStart(7)} ms/image`);
      const perPrompt = Object.values(timings).reduce((a, b) => a + b, 0);
      console.log(`${rows.join('\n')}\nall 7 models: ${perPrompt.toFixed(0)} ms per prompt -> ~${((perPrompt * 100) / 1000).toFixed(0)} s for 100 prompts (generation only)`);
    }
  });

  it.each(DEMO_MODEL_KEYS)('%s loads and generates a finite, non-constant 64×64 image', async (key) => {
    const s = demoModelSettings[key];
    const pipe = await Pipeline.load({ modelDir: demo.models[key], device: 'cpu', dtype: 'fp32' });
    try {
      const info = pipe.info;
      expect(info.defaultSize).toBe(64);
      if (key === 'sd21') expect(info.features.prediction).toBe('v_prediction');
      if (key === 'ssd1b') expect(info.features.asymmetricUnet).toBe(true);
      if (key === 'playground25') expect(info.features).toMatchObject({ edmScheduler: true, latentsMeanStd: true });
      expect(info.features.dualTextEncoders).toBe(info.family === 'sdxl');

      const run = (prompt: string, seed: number) =>
        pipe.generate({
          prompt,
          ...(s.negativePrompt !== null ? { negativePrompt: s.negativePrompt } : {}),
          seed,
          steps: s.steps,
          guidance: s.guidance,
          width: s.width,
          height: s.height,
          scheduler: s.scheduler,
        });
      await run(PROMPTS[0]!, 0); // warm-up (first-call allocations)
      const images: Uint8Array[] = [];
      const t0 = performance.now();
      for (let i = 0; i < PROMPTS.length; i++) {
        const r = await run(PROMPTS[i]!, i + 1);
        expect(r.image).toBeDefined();
        const img = r.image!;
        expect([img.width, img.height, img.channels]).toEqual([64, 64, 3]);
        const lat = r.latents.data as Float32Array;
        for (const v of lat) if (!Number.isFinite(v)) throw new Error(`${key}: non-finite latents`);
        let sum = 0;
        let sq = 0;
        let saturated = 0;
        for (const v of img.data) {
          sum += v;
          sq += v * v;
          if (v === 0 || v === 255) saturated++;
        }
        const n = img.data.length;
        const std = Math.sqrt(sq / n - (sum / n) ** 2);
        expect(std, `${key}: pixel std`).toBeGreaterThan(5);
        expect(saturated / n, `${key}: saturated fraction`).toBeLessThan(0.9);
        images.push(img.data);
      }
      timings[key] = (performance.now() - t0) / PROMPTS.length;
      // Different prompts and seeds give different images.
      expect(Buffer.from(images[0]!).equals(Buffer.from(images[1]!))).toBe(false);
    } finally {
      await pipe.dispose();
    }
  });
});

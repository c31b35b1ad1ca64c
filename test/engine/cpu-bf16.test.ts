// Issue #17: `--dtype bf16` on the CPU (oneDNN's bf16 kernels) runs end to end and stays close to
// the engine's own fp32 output for the same case (the fixtures README's fp16/bf16 measure: cosine
// similarity of the final latents, share of uint8 pixels within 4 levels). A one-step turbo case
// meets that README's bound (≥ 0.999, ≥ 99%); ten guided steps of a random tiny UNet amplify bf16's
// 8-bit mantissa beyond it (measured 0.9986 and 88%, README "bf16 on the CPU"), hence its own bound.
import { afterAll, describe, expect, it } from 'vitest';
import { tensors } from '../../src/native/binding.js';
import type { NativeTensor, TensorMap } from '../../src/native/types.js';
import { Pipeline } from '../../src/pipeline/pipeline.js';
import { caseOptions, goldenCases, uint8Agreement } from '../helpers/golden.js';

const BOUNDS: Record<string, { cosine: number; within4: number }> = {
  'sd-turbo-tiny/apple_1step': { cosine: 0.999, within4: 0.99 },
  'sd15-tiny/astronaut_pndm10': { cosine: 0.997, within4: 0.8 },
};

function cosine(a: NativeTensor, b: NativeTensor): number {
  const x = a.data as Float32Array;
  const y = b.data as Float32Array;
  let dot = 0;
  let xx = 0;
  let yy = 0;
  for (let i = 0; i < x.length; i++) {
    dot += x[i]! * y[i]!;
    xx += x[i]! * x[i]!;
    yy += y[i]! * y[i]!;
  }
  return dot / Math.sqrt(xx * yy);
}

const loaded: Pipeline[] = [];
afterAll(async () => {
  for (const p of loaded) await p.dispose();
});

describe.each(goldenCases().filter((c) => c.name in BOUNDS).map((c) => [c.name, c] as const))('%s', (_name, c) => {
  it('bf16 on the CPU: final latents and image within the bound of fp32', async () => {
    const bound = BOUNDS[c.name]!;
    const inputs = await tensors.load(c.latentsFile);
    const stepNoise: TensorMap = Object.fromEntries(Object.entries(inputs).filter(([k]) => k.startsWith('noise.')));
    const options = { ...caseOptions(c), initLatents: inputs.latents!, ...(Object.keys(stepNoise).length ? { stepNoise } : {}) };
    const [fp32, bf16] = await Promise.all(
      (['fp32', 'bf16'] as const).map(async (dtype) => {
        const p = await Pipeline.load({ modelDir: c.modelDir, device: 'cpu', dtype });
        loaded.push(p);
        return p;
      }),
    );
    const reference = await fp32!.generate(options);
    const result = await bf16!.generate(options);
    expect(result.latents.dtype).toBe('float32');
    expect(cosine(result.latents, reference.latents)).toBeGreaterThanOrEqual(bound.cosine);
    const agreement = uint8Agreement(result.image!.data, reference.image!.data, 4);
    expect(agreement.within, `uint8 max diff ${agreement.maxDiff}`).toBeGreaterThanOrEqual(bound.within4);
  });
});

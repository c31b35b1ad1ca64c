// Issues "Native engine I (pipeline)" and "Native engine II": whole generations through the
// library API reproduce every golden trajectory (each latents.step{i}, final latents, image).
import { describe, expect, it } from 'vitest';
import { tensors } from '../../src/native/binding.js';
import type { TensorMap } from '../../src/native/types.js';
import { caseOptions, cpuPipelines, goldenCases, maxAbsDiff, uint8Agreement } from '../helpers/golden.js';

const pipelineFor = cpuPipelines();

describe.each(goldenCases().map((c) => [c.name, c] as const))('%s', (_name, c) => {
  it('init latents + ancestral noise from the case file → every step, final latents and image match', async () => {
    const [golden, inputs] = await Promise.all([tensors.load(c.tensorsFile), tensors.load(c.latentsFile)]);
    const stepNoise: TensorMap = Object.fromEntries(Object.entries(inputs).filter(([k]) => k.startsWith('noise.')));
    const pipeline = await pipelineFor(c.modelDir);
    const result = await pipeline.generate({
      ...caseOptions(c),
      initLatents: inputs.latents!,
      ...(Object.keys(stepNoise).length ? { stepNoise } : {}),
      capture: true,
    });
    const tol = c.json.tolerance;
    const captured = result.captured!;
    const steps = Object.keys(golden).filter((k) => /^latents\.step\d+$/.test(k));
    expect(steps.length).toBe(result.timesteps.length);
    expect(result.timings.unetMs.length).toBe(result.timesteps.length);
    for (const name of steps) {
      const diff = maxAbsDiff(captured[name]!, golden[name]!);
      expect(diff, `${name}: ${diff}`).toBeLessThanOrEqual(tol.latents_final_atol);
    }
    const finalDiff = maxAbsDiff(result.latents, golden.latents_final!);
    expect(finalDiff, `latents_final: ${finalDiff}`).toBeLessThanOrEqual(tol.latents_final_atol);
    const decodedDiff = maxAbsDiff(captured.image_decoded!, golden.image_decoded!);
    expect(decodedDiff, `image_decoded: ${decodedDiff}`).toBeLessThanOrEqual(Math.max(tol.image_decoded_atol, tol.latents_final_atol));
    const agreement = uint8Agreement(result.image!.data, golden.image_uint8!.data as Uint8Array, tol.image_uint8.max_level_diff);
    expect(agreement.within, `uint8 max diff ${agreement.maxDiff}`).toBeGreaterThanOrEqual(tol.image_uint8.min_fraction_within);
    expect([result.image!.height, result.image!.width]).toEqual([c.json.inputs.height, c.json.inputs.width]);
  });

  it('without init latents, the seed reproduces the golden initial latents', async () => {
    const golden = await tensors.load(c.tensorsFile);
    const pipeline = await pipelineFor(c.modelDir);
    const result = await pipeline.generate({ ...caseOptions(c), capture: ['latents_init'], decode: false });
    const diff = maxAbsDiff(result.captured!.latents_init!, golden.latents_init!);
    expect(diff).toBeLessThanOrEqual(1e-6);
  });
});

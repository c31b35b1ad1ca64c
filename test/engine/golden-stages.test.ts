// Issue "Native engine I/II (networks)": each network alone, fed the golden inputs, reproduces the
// reference tensors of every golden case (text encoders, UNet step 0, VAE decoder).
import { describe, expect, it } from 'vitest';
import { tensors } from '../../src/native/binding.js';
import type { NativeTensor, TensorMap } from '../../src/native/types.js';
import { cpuPipelines, goldenCases, maxAbsDiff, tokenIds } from '../helpers/golden.js';

const pipelineFor = cpuPipelines();

const expectClose = (ours: NativeTensor | undefined, golden: NativeTensor | undefined, atol: number, what: string) => {
  expect(ours, `${what}: missing in our output`).toBeDefined();
  expect(golden, `${what}: missing in the golden file`).toBeDefined();
  const diff = maxAbsDiff(ours!, golden!);
  expect(diff, `${what}: max |ours - golden| = ${diff} > ${atol}`).toBeLessThanOrEqual(atol);
};

describe.each(goldenCases().map((c) => [c.name, c] as const))('%s', (_name, c) => {
  let golden: TensorMap;
  const tol = c.json.tolerance;

  it('text encoders reproduce the prompt (and negative) embeddings', async () => {
    golden = await tensors.load(c.tensorsFile);
    const native = (await pipelineFor(c.modelDir)).nativeOrThrow();
    const prompt = await native.encodeText({ ids: tokenIds(c, 'prompt')! });
    expectClose(prompt.prompt_embeds, golden.prompt_embeds, tol.text_embeddings_atol, 'prompt_embeds');
    if (golden.pooled_prompt_embeds) {
      expectClose(prompt.pooled_prompt_embeds, golden.pooled_prompt_embeds, tol.text_embeddings_atol, 'pooled_prompt_embeds');
      for (const k of [0, 1]) {
        const name = `text_encoder_${k}.hidden_states_m2`;
        expectClose(prompt[name], golden[name], tol.text_embeddings_atol, name);
      }
    }
    const negative = tokenIds(c, 'negative');
    if (negative) {
      const neg = await native.encodeText({ ids: negative });
      expectClose(neg.prompt_embeds, golden.negative_prompt_embeds, tol.text_embeddings_atol, 'negative_prompt_embeds');
      if (golden.negative_pooled_prompt_embeds) {
        expectClose(neg.pooled_prompt_embeds, golden.negative_pooled_prompt_embeds, tol.text_embeddings_atol, 'negative_pooled');
      }
    }
  });

  it('the UNet fed the golden step-0 inputs reproduces step0.unet_output', async () => {
    golden ??= await tensors.load(c.tensorsFile);
    const native = (await pipelineFor(c.modelDir)).nativeOrThrow();
    const out = await native.runUnet({
      sample: golden['step0.latent_model_input']!,
      timestep: golden['step0.timestep']!,
      encoderHiddenStates: golden.encoder_hidden_states!,
      ...(golden['added_cond.text_embeds']
        ? { textEmbeds: golden['added_cond.text_embeds'], timeIds: golden['added_cond.time_ids']! }
        : {}),
    });
    expectClose(out, golden['step0.unet_output'], tol.step0_unet_output_atol, 'step0.unet_output');
  });

  it('the VAE decoder fed vae_input reproduces image_decoded', async () => {
    golden ??= await tensors.load(c.tensorsFile);
    const native = (await pipelineFor(c.modelDir)).nativeOrThrow();
    const out = await native.decodeLatents({ vaeInput: golden.vae_input! });
    expectClose(out, golden.image_decoded, tol.image_decoded_atol, 'image_decoded');
  });
});

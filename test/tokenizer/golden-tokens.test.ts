import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { promptTexts, type PromptInputs } from '../../src/pipeline/prompt-texts.js';
import { ClipTokenizer, loadPipelineTokenizers } from '../../src/tokenizer/index.js';
import { fixturesDir } from '../helpers/shared.js';

interface GoldenCase {
  model: string;
  model_dir: string;
  pipeline: string;
  do_classifier_free_guidance: boolean;
  inputs: {
    prompt: string;
    prompt_2?: string | null;
    negative_prompt?: string | null;
    negative_prompt_2?: string | null;
    guidance_scale: number;
  };
  tokens: Record<string, number[]>;
}

const goldenDir = path.join(fixturesDir(), 'golden');
const caseFiles = readdirSync(goldenDir)
  .flatMap((model) =>
    readdirSync(path.join(goldenDir, model))
      .filter((f) => /^[^.]+\.json$/.test(f))
      .map((f) => path.join(goldenDir, model, f)),
  )
  .sort();

/** Keys mirror the case JSON: `prompt.K` / `negative.K` (K = tokenizer index). */
function expectedTexts(c: GoldenCase, forceZeros: boolean): Record<string, string> {
  const { prompt, prompt_2, negative_prompt, negative_prompt_2 } = c.inputs;
  const inputs: PromptInputs = {
    prompt,
    ...(prompt_2 != null ? { prompt2: prompt_2 } : {}),
    ...(negative_prompt != null ? { negativePrompt: negative_prompt } : {}),
    ...(negative_prompt_2 != null ? { negativePrompt2: negative_prompt_2 } : {}),
  };
  const textEncoders = c.pipeline === 'StableDiffusionXLPipeline' ? 2 : 1;
  const texts = promptTexts(inputs, { textEncoders, forceZerosForEmptyPrompt: forceZeros }, c.do_classifier_free_guidance);
  const out: Record<string, string> = {};
  texts.prompt.forEach((t, k) => (out[`prompt.${k}`] = t));
  texts.negative?.forEach((t, k) => (out[`negative.${k}`] = t));
  return out;
}

describe('golden case tokens (fixtures/golden/*/*.json)', () => {
  it('finds the visible golden cases of every tiny model', () => {
    expect(caseFiles.length).toBeGreaterThanOrEqual(17);
    const models = new Set(caseFiles.map((f) => path.basename(path.dirname(f))));
    for (const m of ['sd15-tiny', 'sd21-tiny', 'sd-turbo-tiny', 'sdxl-tiny', 'sdxl-turbo-tiny', 'ssd1b-tiny', 'playground25-tiny']) {
      expect(models).toContain(m);
    }
  });

  it.each(caseFiles.map((f) => [path.relative(goldenDir, f), f] as const))('%s', async (_name, file) => {
    const c = JSON.parse(readFileSync(file, 'utf8')) as GoldenCase;
    const modelDir = path.resolve(path.dirname(file), c.model_dir);
    const modelIndex = JSON.parse(readFileSync(path.join(modelDir, 'model_index.json'), 'utf8'));
    expect(c.do_classifier_free_guidance).toBe(c.inputs.guidance_scale > 1);

    const tokenizers = await loadPipelineTokenizers(modelDir);
    const sdxl = c.pipeline === 'StableDiffusionXLPipeline';
    expect(tokenizers.length).toBe(sdxl ? 2 : 1);

    const texts = expectedTexts(c, modelIndex.force_zeros_for_empty_prompt ?? true);
    // The set of token arrays in the case is exactly what the absent-vs-"" rules predict ...
    expect(Object.keys(c.tokens).sort()).toEqual(Object.keys(texts).sort());
    // ... and each one is reproduced exactly.
    for (const [key, text] of Object.entries(texts)) {
      const k = Number(key.split('.')[1]);
      const ids = Array.from(tokenizers[k]!.encode(text));
      expect(ids, `${key} = tokenizer ${k}(${JSON.stringify(text)})`).toEqual(c.tokens[key]);
    }
  });

  it('SDXL-family pipelines pad tokenizer_2 with "!" (id 0) and tokenizer with eos', async () => {
    const [t1, t2] = await loadPipelineTokenizers(path.join(fixturesDir(), 'sdxl-tiny'));
    expect(t1!.padId).toBe(t1!.eosId);
    expect(t1!.eosId).toBe(913);
    expect(t1!.bosId).toBe(912);
    expect(t2!.padId).toBe(0);
    expect(t2!.specialTokens.pad.content).toBe('!');
    expect(path.basename(t2!.dir)).toBe('tokenizer_2');
  });
});

describe('scoring golden text tokens (fixtures/scoring/tiny-clip)', () => {
  it('reproduces text_tokens of scoring_golden.json from the flat tiny-clip folder', async () => {
    const golden = JSON.parse(readFileSync(path.join(fixturesDir(), 'scoring', 'scoring_golden.json'), 'utf8')) as {
      texts: string[];
      text_tokens: number[][];
    };
    const tok = await ClipTokenizer.fromFolder(path.join(fixturesDir(), 'scoring', 'tiny-clip'));
    expect(golden.texts.length).toBe(golden.text_tokens.length);
    expect(golden.texts.length).toBeGreaterThan(0);
    golden.texts.forEach((text, i) => {
      expect(Array.from(tok.encode(text))).toEqual(golden.text_tokens[i]);
    });
  });
});

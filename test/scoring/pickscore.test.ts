import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readPng } from '../../src/image/png-decode.js';
import { tensors } from '../../src/native/binding.js';
import { loadPickScorer, softmaxOverImages } from '../../src/scoring/index.js';
import { runCli } from '../helpers/cli.js';
import { maxAbsDiff, rows, scoringDir, tinyClip, writeMaliciousPth } from './helpers/golden.js';

interface PickScoreGolden {
  texts: string[];
  text_tokens: number[][];
  logit_scale_exp: number;
  image_order: string[];
  images: Record<string, { file: string; pickscore_per_text: number[] }>;
  probs_texts_x_images: number[][];
}

const golden = JSON.parse(readFileSync(path.join(scoringDir(), 'pickscore_golden.json'), 'utf8')) as PickScoreGolden;
const order = golden.image_order;
const files = order.map((n) => path.join(scoringDir(), golden.images[n]!.file));
const model = path.join(scoringDir(), 'tiny-pickscore');
const processor = path.join(scoringDir(), 'tiny-pickscore-processor');
const goldenScores = order.map((n) => golden.images[n]!.pickscore_per_text);
/** probs_texts_x_images transposed to [image][prompt], the layout of pickProbs. */
const goldenProbs = order.map((_, i) => golden.probs_texts_x_images.map((row) => row[i]!));

let tmp: string;
/** A folder with the fixture's config.json and only its pytorch_model.bin (safetensors would win). */
let binOnly: string;
beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'ppbench-pickscore-'));
  binOnly = path.join(tmp, 'bin-only');
  mkdirSync(binOnly);
  for (const f of ['config.json', 'pytorch_model.bin']) copyFileSync(path.join(model, f), path.join(binOnly, f));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe.each([
  ['model.safetensors', () => model],
  ['pytorch_model.bin', () => binOnly],
] as const)('PickScore golden through the library (%s)', (_file, dir) => {
  it('matches input_ids, image_embeds, text_embeds (1e-4), pickScore and pickProbs (1e-3)', async () => {
    const scorer = await loadPickScorer({ model: dir(), processor });
    try {
      const info = scorer.info();
      expect(info).toMatchObject({ clip: dir(), processor, disposed: false, projectionDim: 40, imageSize: 32 });
      expect(Math.exp(info.disposed ? 0 : info.logitScale)).toBeCloseTo(golden.logit_scale_exp, 3);
      const out = await scorer.score(files.map((f) => readPng(f)), golden.texts);
      expect(maxAbsDiff(out.pickScore, goldenScores)).toBeLessThanOrEqual(1e-3);
      expect(maxAbsDiff(out.pickProbs, goldenProbs)).toBeLessThanOrEqual(1e-3);
      // Not clamped, not x100 on top of the temperature: the golden has negative scores.
      expect(out.pickScore.flat().some((x) => x < 0)).toBe(true);
      // The tokenizer of the processor folder (pad token "!") gives the golden ids.
      expect(scorer.encodePrompts(golden.texts).tokenIds.map((ids) => Array.from(ids))).toEqual(golden.text_tokens);
      // Pairs: image i with prompt i mod 3 picks the matching entry of the full matrix.
      const prompts = order.map((_, i) => golden.texts[i % 3]!);
      const pairs = await scorer.scorePairs(files.map((f) => readPng(f)), prompts);
      expect(maxAbsDiff(pairs, goldenScores.map((s, i) => s[i % 3]!))).toBeLessThanOrEqual(1e-3);
    } finally {
      await scorer.dispose();
    }
  });
});

describe('PickScore embeddings against the golden tensors', () => {
  it('image_embeds and text_embeds (1e-4)', async () => {
    const t = await tensors.load(path.join(scoringDir(), 'pickscore_golden.safetensors'));
    const scorer = await loadPickScorer({ model, processor });
    try {
      const out = await scorer.score(files.map((f) => readPng(f)), golden.texts);
      expect(maxAbsDiff(rows(out.imageEmbeds), order.map((n) => rows(t[`${n}.image_embeds`]!)[0]!))).toBeLessThanOrEqual(1e-4);
      expect(maxAbsDiff(rows(out.textEmbeds), rows(t.text_embeds!))).toBeLessThanOrEqual(1e-4);
    } finally {
      await scorer.dispose();
    }
  });
});

describe('softmaxOverImages', () => {
  it('normalises each prompt column over the images and survives large scores', () => {
    const p = softmaxOverImages([
      [1000, 0],
      [1000, Math.log(3)],
    ]);
    expect(p[0]![0]).toBeCloseTo(0.5, 12);
    expect(p[1]![1]).toBeCloseTo(0.75, 12);
    expect(p[0]![1]! + p[1]![1]!).toBeCloseTo(1, 12);
    expect(softmaxOverImages([[-3, 7]])).toEqual([[1, 1]]);
  });
});

interface PickJson {
  images: { image: string; clipScore: number[]; aesthetic: number | null; cosine: number[]; pickScore: number[]; pickProbs?: number[] }[];
  definition: string;
  pickScoreDefinition: string;
}

describe('ppbench score --pickscore', () => {
  const args = (modelDir: string, extra: string[] = []) => [
    'score',
    '--clip',
    tinyClip(),
    '--pickscore',
    modelDir,
    '--pickscore-processor',
    processor,
    ...files.flatMap((f) => ['--image', f]),
    ...golden.texts.flatMap((t) => ['--prompt', t]),
    ...extra,
  ];

  it.each([
    ['model.safetensors', () => model],
    ['pytorch_model.bin', () => binOnly],
  ] as const)('--json adds pickScore and pickProbs per image matching the golden (%s)', (_f, dir) => {
    const r = runCli(args(dir(), ['--json', '--batch-size', '4']));
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout) as PickJson;
    expect(Object.keys(doc.images[0]!)).toEqual(['image', 'clipScore', 'aesthetic', 'cosine', 'pickScore', 'pickProbs']);
    expect(maxAbsDiff(doc.images.map((i) => i.pickScore), goldenScores)).toBeLessThanOrEqual(1e-3);
    expect(maxAbsDiff(doc.images.map((i) => i.pickProbs!), goldenProbs)).toBeLessThanOrEqual(1e-3);
    expect(doc.pickScoreDefinition).toContain('exp(logit_scale) * cos(image_embeds, text_embeds)');
  });

  it('one image: pickScore without pickProbs; the table shows the pick columns', () => {
    const one = runCli(['score', '--clip', tinyClip(), '--pickscore', model, '--pickscore-processor', processor, '--image', files[0]!, '--prompt', golden.texts[1]!, '--json']);
    expect(one.status).toBe(0);
    const doc = JSON.parse(one.stdout) as PickJson;
    expect(doc.images[0]!.pickScore[0]).toBeCloseTo(goldenScores[0]![1]!, 3);
    expect(doc.images[0]!.pickProbs).toBeUndefined();
    const table = runCli(args(model));
    expect(table.status).toBe(0);
    expect(table.stdout).toMatch(/image\s+pick\[p1\]\s+prob\[p1\]\s+pick\[p2\]/);
  });

  it('bad input: coded errors naming the flag or the file', () => {
    const image = files[0]!;
    const half = runCli(['score', '--clip', tinyClip(), '--pickscore', model, '--image', image, '--prompt', 'x']);
    expect(half.status).not.toBe(0);
    expect(half.stderr).toContain('[ERR_INVALID_ARG] --pickscore needs --pickscore-processor');

    // Not a CLIPModel: a diffusers text_encoder folder.
    const textEncoder = path.join(scoringDir(), '..', 'sd15-tiny', 'text_encoder');
    const notClip = runCli(['score', '--clip', tinyClip(), '--pickscore', textEncoder, '--pickscore-processor', processor, '--image', image, '--prompt', 'x']);
    expect(notClip.status).not.toBe(0);
    expect(notClip.stderr).toContain('[ERR_MODEL_LOAD]');
    expect(notClip.stderr).toContain(`${path.join(textEncoder, 'config.json')}: not a transformers CLIPModel config`);

    // A processor folder without tokenizer files.
    const noTokenizer = path.join(tmp, 'processor-without-tokenizer');
    mkdirSync(noTokenizer, { recursive: true });
    copyFileSync(path.join(processor, 'preprocessor_config.json'), path.join(noTokenizer, 'preprocessor_config.json'));
    const r = runCli(['score', '--clip', tinyClip(), '--pickscore', model, '--pickscore-processor', noTokenizer, '--image', image, '--prompt', 'x']);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('[ERR_MODEL_LOAD]');
    expect(r.stderr).toContain(noTokenizer);

    // pytorch_model.bin whose pickle calls posix.system.
    const evil = path.join(tmp, 'evil-pickscore');
    mkdirSync(evil, { recursive: true });
    copyFileSync(path.join(model, 'config.json'), path.join(evil, 'config.json'));
    writeMaliciousPth(path.join(evil, 'pytorch_model.bin'));
    const e = runCli(['score', '--clip', tinyClip(), '--pickscore', evil, '--pickscore-processor', processor, '--image', image, '--prompt', 'x']);
    expect(e.status).not.toBe(0);
    expect(e.stderr).toContain('[ERR_MODEL_LOAD]');
    expect(e.stderr).toContain(path.join(evil, 'pytorch_model.bin'));
    expect(e.stderr).toContain('posix.system');
    expect(e.stdout).not.toContain('pwned');
  });
});

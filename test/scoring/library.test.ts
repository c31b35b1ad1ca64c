import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readPng, type RgbImage } from '../../src/image/png-decode.js';
import { scoring } from '../../src/native/binding.js';
import { NativeEngineError } from '../../src/native/errors.js';
import { loadScorer, meanClipScore, pairClipScore, type Scorer } from '../../src/scoring/index.js';
import { fixturesDir } from '../helpers/shared.js';
import {
  aestheticFile,
  goldenTensors,
  maxAbsDiff,
  readGolden,
  rows,
  scoringDir,
  tinyClip,
  writeMaliciousPth,
} from './helpers/golden.js';

const golden = readGolden();
const names = Object.keys(golden.images);
const images = (): RgbImage[] => names.map((n) => readPng(path.join(scoringDir(), golden.images[n]!.file)));

describe.each(['model.pth', 'model.safetensors'] as const)('scoring golden through the library API (aesthetic %s)', (file) => {
  let scorer: Scorer;
  beforeAll(async () => {
    scorer = await loadScorer({ clip: tinyClip(), aesthetic: aestheticFile(file) });
  });
  afterAll(async () => scorer?.dispose());

  it('matches image_embeds, text_embeds (1e-4), CLIP scores and aesthetic scores (1e-3) in one batched call', async () => {
    const tensors = await goldenTensors();
    const out = await scorer.score(images(), golden.texts);
    // The shared tokenizer reproduces the golden token ids.
    expect(out.prompts.map((p) => p.truncated)).toEqual([false, false, false, false]);
    expect(scorer.encodePrompts(golden.texts).tokenIds.map((ids) => Array.from(ids))).toEqual(golden.text_tokens);

    expect(out.imageEmbeds.shape).toEqual([6, 24]);
    const imageEmbeds = maxAbsDiff(rows(out.imageEmbeds), names.map((n) => rows(tensors[`${n}.image_embeds`]!)[0]!));
    expect(imageEmbeds).toBeLessThanOrEqual(1e-4);
    const textEmbeds = maxAbsDiff(rows(out.textEmbeds), rows(tensors.text_embeds!));
    expect(textEmbeds).toBeLessThanOrEqual(1e-4);
    const clip = maxAbsDiff(out.images.map((s) => s.clipScore), names.map((n) => golden.images[n]!.clip_score_per_text));
    expect(clip).toBeLessThanOrEqual(1e-3);
    const aesthetic = maxAbsDiff(out.images.map((s) => s.aesthetic!), names.map((n) => golden.images[n]!.aesthetic));
    expect(aesthetic).toBeLessThanOrEqual(1e-3);

    // clipScore is the clamped, scaled raw cosine, which is returned as well.
    for (const s of out.images) {
      s.cosine.forEach((c, j) => {
        expect(Math.abs(c)).toBeLessThanOrEqual(1);
        expect(s.clipScore[j]).toBeCloseTo(pairClipScore(c), 4);
      });
    }
    expect(out.images.some((s) => s.cosine.some((c) => c < 0))).toBe(true);
    const t = out.timings;
    expect(t.totalMs).toBeGreaterThanOrEqual(t.preprocessMs + t.imageMs + t.textMs - 1e-6);
    expect(t.wallMs).toBeGreaterThanOrEqual(t.totalMs);
    console.log(`aesthetic ${file}: max |diff| image_embeds ${imageEmbeds.toExponential(2)}, text_embeds ${textEmbeds.toExponential(2)}, clip ${clip.toExponential(2)}, aesthetic ${aesthetic.toExponential(2)}`);
  });

  it('pairs (one prompt per image) are the diagonal of the same batched call', async () => {
    const imgs = images().slice(0, 4);
    const all = await scorer.score(imgs, golden.texts);
    const pairs = await scorer.scoreImages(imgs, golden.texts);
    expect(pairs.clipScore).toEqual(all.images.map((s, i) => s.clipScore[i]));
    expect(pairs.cosine).toEqual(all.images.map((s, i) => s.cosine[i]));
    expect(pairs.aesthetic).toEqual(all.images.map((s) => s.aesthetic));
    // Repeated prompts are encoded once and still land on their own images.
    const repeated = [golden.texts[2]!, golden.texts[0]!, golden.texts[2]!, golden.texts[0]!];
    const rep = await scorer.scoreImages(imgs, repeated);
    // (Another text batch: the GEMMs may round differently in the last bits.)
    const expected = [all.images[0]!.cosine[2]!, all.images[1]!.cosine[0]!, all.images[2]!.cosine[2]!, all.images[3]!.cosine[0]!];
    expect(maxAbsDiff(rep.cosine, expected)).toBeLessThanOrEqual(1e-6);
    expect(rep.prompts.map((p) => p.text)).toEqual(repeated);
    await expect(scorer.scoreImages(imgs, golden.texts.slice(0, 3))).rejects.toMatchObject({ code: 'ERR_INVALID_ARG' });
  });

  it('image batches of any size give the same scores', async () => {
    const all = await scorer.score(images(), golden.texts);
    for (const batchSize of [1, 4]) {
      const chunked = await scorer.score(images(), golden.texts, { batchSize });
      expect(maxAbsDiff(chunked.images.map((s) => s.cosine), all.images.map((s) => s.cosine))).toBeLessThanOrEqual(1e-6);
    }
  });
});

describe('run-level CLIP score', () => {
  it('is max(mean(100·cos), 0): clamped after averaging, not the mean of clamped pair scores', () => {
    expect(meanClipScore([0.3, -0.1])).toBeCloseTo(10, 10);
    const pairMean = [0.3, -0.1].map(pairClipScore).reduce((a, b) => a + b) / 2;
    expect(pairMean).toBeCloseTo(15, 10);
    expect(meanClipScore([0.05, -0.2])).toBe(0);
    expect(() => meanClipScore([])).toThrow(RangeError);
  });
});

describe('scorer lifecycle and errors', () => {
  let tmp: string;
  beforeAll(() => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'ppbench-scoring-'));
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('info() describes the model; dispose() frees it and later calls reject with a code', async () => {
    const scorer = await loadScorer({ clip: tinyClip() });
    expect(scorer.info()).toMatchObject({
      clip: tinyClip(),
      aesthetic: null,
      disposed: false,
      device: 'cpu',
      dtype: 'fp32',
      projectionDim: 24,
      imageSize: 32,
      contextLength: 77,
      vocabSize: 914,
    });
    const out = await scorer.score(images().slice(0, 1), []);
    expect(out.images[0]).toEqual({ clipScore: [], cosine: [], aesthetic: null, logits: [] });
    await scorer.dispose();
    expect(scorer.info()).toEqual({ clip: tinyClip(), aesthetic: null, processor: tinyClip(), disposed: true });
    await expect(scorer.score(images().slice(0, 1), ['x'])).rejects.toMatchObject({
      code: 'ERR_INVALID_ARG',
      message: expect.stringContaining('disposed'),
    });
    await scorer.dispose(); // idempotent
  });

  it('dispose() while a score() is running lets that call finish first', async () => {
    const scorer = await loadScorer({ clip: tinyClip(), aesthetic: aestheticFile('model.safetensors') });
    const running = scorer.score(images(), golden.texts);
    const disposed = scorer.dispose();
    const [out] = await Promise.all([running, disposed]);
    expect(out.images).toHaveLength(6);
    expect(out.images.every((s) => s.aesthetic !== null && s.clipScore.length === 4)).toBe(true);
    expect(scorer.info().disposed).toBe(true);
  });

  it('a missing CLIP folder is ERR_MODEL_LOAD naming it', async () => {
    const missing = path.join(tmp, 'no-such-clip');
    const err = await loadScorer({ clip: missing }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NativeEngineError);
    expect(err).toMatchObject({ code: 'ERR_MODEL_LOAD', message: expect.stringContaining(missing) });
  });

  it('a CLIP folder without tokenizer files is ERR_MODEL_LOAD naming the file', async () => {
    // Weights and config only: the scorer needs the tokenizer of the same folder.
    const dir = path.join(tmp, 'clip-no-tokenizer');
    mkdirSync(dir);
    for (const f of ['config.json', 'model.safetensors', 'preprocessor_config.json']) {
      copyFileSync(path.join(tinyClip(), f), path.join(dir, f));
    }
    await expect(loadScorer({ clip: dir })).rejects.toMatchObject({
      code: 'ERR_MODEL_LOAD',
      // The tokenizer files are read concurrently: whichever missing one is noticed first is named.
      message: expect.stringMatching(/clip-no-tokenizer\/(vocab\.json|merges\.txt|tokenizer_config\.json)/),
    });
  });

  it('a malicious .pth (pickle calling posix.system) is refused with ERR_MODEL_LOAD naming the file', async () => {
    const evil = path.join(tmp, 'evil.pth');
    writeMaliciousPth(evil);
    await expect(loadScorer({ clip: tinyClip(), aesthetic: evil })).rejects.toMatchObject({
      code: 'ERR_MODEL_LOAD',
      message: expect.stringMatching(/evil\.pth.*posix\.system|posix\.system.*evil\.pth/s),
    });
    const notZip = path.join(tmp, 'garbage.pth');
    writeFileSync(notZip, 'not a torch file at all');
    await expect(loadScorer({ clip: tinyClip(), aesthetic: notZip })).rejects.toMatchObject({
      code: 'ERR_MODEL_LOAD',
      message: expect.stringContaining(notZip),
    });
  });

  it('bad images and options are ERR_INVALID_ARG naming the image index or option', async () => {
    const loaded = await scoring.loadScorer({ clip: tinyClip() });
    // The raw object throws argument errors synchronously on the JS thread; src/scoring's async
    // methods turn them into rejections, as this wrapper does.
    const native = { score: async (o: Parameters<typeof loaded.score>[0]) => loaded.score(o), dispose: () => loaded.dispose() };
    const good = images()[0]!;
    const ids = [new Int32Array(77).fill(913)];
    await expect(native.score({ images: [good, { width: 4, height: 4, data: new Uint8Array(47) }], tokenIds: ids })).rejects.toMatchObject({
      code: 'ERR_INVALID_ARG',
      message: 'images[1]: data has 47 bytes but a 4x4 RGB image needs 48',
    });
    await expect(native.score({ images: [good, good, { width: 0, height: 4, data: new Uint8Array(0) }] })).rejects.toMatchObject({
      code: 'ERR_INVALID_ARG',
      message: expect.stringContaining('images[2].width'),
    });
    await expect(native.score({ images: [{ width: 1, height: 1, data: [1, 2, 3] as unknown as Uint8Array }] })).rejects.toMatchObject({
      code: 'ERR_INVALID_ARG',
      message: expect.stringContaining('images[0].data: expected a Uint8Array'),
    });
    await expect(native.score({ images: [] })).rejects.toMatchObject({ code: 'ERR_INVALID_ARG' });
    await expect(native.score({ images: [good], tokenIds: [new Int32Array(77), new Int32Array(76)] })).rejects.toMatchObject({
      code: 'ERR_INVALID_ARG',
      message: 'tokenIds[1] has 76 ids but tokenIds[0] has 77',
    });
    await expect(native.score({ images: [good], tokenIds: [new Int32Array(77).fill(5000)] })).rejects.toMatchObject({
      code: 'ERR_INVALID_ARG',
      message: expect.stringContaining('outside the vocabulary'),
    });
    await native.dispose();
    await expect(scoring.loadScorer({ clip: tinyClip(), dtype: 'fp64' as 'fp32' })).rejects.toMatchObject({ code: 'ERR_INVALID_ARG' });
    await expect(scoring.loadScorer({} as { clip: string })).rejects.toMatchObject({
      code: 'ERR_INVALID_ARG',
      message: expect.stringContaining('for clip'),
    });
  });

  it('a diffusers text_encoder folder is not a CLIPModel: ERR_MODEL_LOAD naming its config', async () => {
    const dir = path.join(fixturesDir(), 'sd15-tiny', 'text_encoder');
    await expect(loadScorer({ clip: dir })).rejects.toMatchObject({
      code: 'ERR_MODEL_LOAD',
      message: expect.stringContaining(path.join(dir, 'config.json')),
    });
  });
});

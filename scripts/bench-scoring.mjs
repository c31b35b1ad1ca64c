#!/usr/bin/env node
/**
 * Batched vs one-by-one scoring with the tiny CLIP (+ aesthetic MLP) of the shared fixtures: N images
 * (the 6 scoring fixture images, repeated; every second round upscaled 2x so sizes vary) paired with
 * the 4 golden prompts, scored once as one batched call (`scoreImages`, all images in one vision
 * forward, the distinct prompts in one text forward) and once one image per call. Prints ms per image
 * for both and the ratio (median of --repeats, after one warm-up round). The same for the tiny PickScore
 * (`scorePairs`; model and processor folders of the fixtures) with --pickscore (on by default;
 * --no-pickscore skips it). Reports images/s too. Only measures; no asserts.
 *
 *   npm run bench:scoring -- [--images 16] [--repeats 5] [--device cpu] [--dtype fp32] [--no-pickscore] [--json]
 *
 * Needs PPBENCH_SHARED_DIR (default ../shared) and runs against dist/ (npm run bench:scoring compiles).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { readPng } from '../dist/image/png-decode.js';
import { device } from '../dist/native/binding.js';
import { loadPickScorer, loadScorer } from '../dist/scoring/index.js';

const { values: args } = parseArgs({
  options: {
    images: { type: 'string', default: '16' },
    repeats: { type: 'string', default: '5' },
    device: { type: 'string', default: 'cpu' },
    dtype: { type: 'string', default: 'fp32' },
    json: { type: 'boolean', default: false },
    pickscore: { type: 'boolean', default: true },
    'no-pickscore': { type: 'boolean', default: false },
  },
});
const withPickScore = args.pickscore && !args['no-pickscore'];

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const scoringDir = path.join(path.resolve(root, process.env.PPBENCH_SHARED_DIR ?? '../shared'), 'fixtures', 'scoring');
const golden = JSON.parse(readFileSync(path.join(scoringDir, 'scoring_golden.json'), 'utf8'));
const base = Object.values(golden.images).map((i) => readPng(path.join(scoringDir, i.file)));

/** Nearest-neighbour 2x upscale, so repeated images also exercise other resize ratios. */
function upscale2x({ width, height, data }) {
  const out = new Uint8Array(width * height * 12);
  for (let y = 0; y < height * 2; y++)
    for (let x = 0; x < width * 2; x++)
      out.set(data.subarray(((y >> 1) * width + (x >> 1)) * 3, ((y >> 1) * width + (x >> 1)) * 3 + 3), (y * width * 2 + x) * 3);
  return { width: width * 2, height: height * 2, data: out };
}

const count = Number(args.images);
const images = Array.from({ length: count }, (_, i) => {
  const img = base[i % base.length];
  return Math.floor(i / base.length) % 2 === 1 ? upscale2x(img) : img;
});
const prompts = images.map((_, i) => golden.texts[i % golden.texts.length]);

const scorer = await loadScorer({
  clip: path.join(scoringDir, 'tiny-clip'),
  aesthetic: path.join(scoringDir, 'tiny-aesthetic', 'model.safetensors'),
  device: args.device,
  dtype: args.dtype,
});

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const repeats = Number(args.repeats);

/** Median ms of one batched call and of one call per image, after one warm-up round of each. */
async function measure(scorePairs) {
  const batched = async () => {
    const t0 = performance.now();
    await scorePairs(images, prompts);
    return performance.now() - t0;
  };
  const oneByOne = async () => {
    const t0 = performance.now();
    for (let i = 0; i < images.length; i++) await scorePairs([images[i]], [prompts[i]]);
    return performance.now() - t0;
  };
  await batched();
  await oneByOne(); // warm-up
  const b = [];
  const s = [];
  for (let r = 0; r < repeats; r++) {
    b.push(await batched());
    s.push(await oneByOne());
  }
  return {
    batchedMsPerImage: +(median(b) / count).toFixed(3),
    oneByOneMsPerImage: +(median(s) / count).toFixed(3),
    batchedImagesPerSecond: +((1000 * count) / median(b)).toFixed(1),
    oneByOneImagesPerSecond: +((1000 * count) / median(s)).toFixed(1),
    speedup: +(median(s) / median(b)).toFixed(2),
  };
}

const clip = await measure((imgs, ps) => scorer.scoreImages(imgs, ps));
await scorer.dispose();

let pickscore = null;
if (withPickScore) {
  const pick = await loadPickScorer({
    model: path.join(scoringDir, 'tiny-pickscore'),
    processor: path.join(scoringDir, 'tiny-pickscore-processor'),
    device: args.device,
    dtype: args.dtype,
  });
  pickscore = await measure((imgs, ps) => pick.scorePairs(imgs, ps));
  await pick.dispose();
}

const result = {
  images: count,
  device: args.device,
  dtype: args.dtype,
  threads: device.info().threads,
  repeats,
  ...clip,
  ...(pickscore ? { pickscore } : {}),
};
if (args.json) {
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
} else {
  const label = (text) => `  ${text}`.padEnd(30);
  const lines = (r) =>
    `${label('batched (1 call):')}${r.batchedMsPerImage} ms/image, ${r.batchedImagesPerSecond} images/s\n` +
    `${label(`one by one (${count} calls):`)}${r.oneByOneMsPerImage} ms/image, ${r.oneByOneImagesPerSecond} images/s\n` +
    `${label('one-by-one / batched:')}${r.speedup}x\n`;
  process.stdout.write(
    `scoring ${count} images (tiny CLIP + aesthetic, ${args.device}/${args.dtype}, ${result.threads} threads, median of ${repeats}):\n` +
      lines(clip) +
      (pickscore ? `PickScore, same images (tiny PickScore, model + processor folders):\n${lines(pickscore)}` : ''),
  );
}

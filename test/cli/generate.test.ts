// Every golden case runs through `ppbench generate` with exactly the README's flags.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readPng } from '../../src/image/png-decode.js';
import { tensors } from '../../src/native/binding.js';
import { caseCliArgs, goldenCases, maxAbsDiff, uint8Agreement } from '../helpers/golden.js';
import { runCli } from '../helpers/cli.js';
import { fixturesDir } from '../helpers/shared.js';

const work = mkdtempSync(path.join(tmpdir(), 'ppbench-generate-cli-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe.each(goldenCases().map((c) => [c.name, c] as const))('ppbench generate %s', (name, c) => {
  it('reproduces the final latents and image from --init-latents', async () => {
    const base = path.join(work, name.replace('/', '__'));
    const args = [
      'generate',
      ...caseCliArgs(c),
      '--init-latents', c.latentsFile,
      '--save-latents', `${base}.latents.safetensors`,
      '--out', `${base}.png`,
      '--device', 'cpu', '--dtype', 'fp32', '--json',
    ];
    const r = runCli(args);
    expect(r.status, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as { timings: { unetMs: number[]; totalMs: number }; timesteps: number[] };
    expect(report.timings.unetMs.length).toBe(report.timesteps.length);
    const golden = await tensors.load(c.tensorsFile);
    const ours = await tensors.load(`${base}.latents.safetensors`);
    expect(maxAbsDiff(ours.latents!, golden.latents_final!)).toBeLessThanOrEqual(c.json.tolerance.latents_final_atol);
    const image = readPng(`${base}.png`);
    expect([image.height, image.width]).toEqual([c.json.inputs.height, c.json.inputs.width]);
    const tol = c.json.tolerance.image_uint8;
    const agreement = uint8Agreement(image.data, golden.image_uint8!.data as Uint8Array, tol.max_level_diff);
    expect(agreement.within).toBeGreaterThanOrEqual(tol.min_fraction_within);
  });
});

describe('ppbench generate: seeds and errors', () => {
  const [sd15] = goldenCases(['sd15-tiny']);

  it('without --init-latents the seed reproduces the golden initial latents (--dump-tensors)', async () => {
    const dump = path.join(work, 'dump.safetensors');
    const r = runCli(['generate', ...caseCliArgs(sd15!), '--dump-tensors', dump, '--device', 'cpu', '--dtype', 'fp32']);
    expect(r.status, r.stderr).toBe(0);
    const [ours, golden] = await Promise.all([tensors.load(dump), tensors.load(sd15!.tensorsFile)]);
    expect(maxAbsDiff(ours.latents_init!, golden.latents_init!)).toBe(0);
    expect(maxAbsDiff(ours.latents_final!, golden.latents_final!)).toBeLessThanOrEqual(sd15!.json.tolerance.latents_final_atol);
  });

  const model = path.join(fixturesDir(), 'sd15-tiny');
  const cases: [string, string[], RegExp][] = [
    ['a non-numeric --steps', ['--model', model, '--prompt', 'x', '--steps', 'many'], /--steps.*integer/],
    ['a size that is not a multiple of 8', ['--model', model, '--prompt', 'x', '--width', '100', '--steps', '1'], /multiple of 8.*100/],
    ['a missing model folder', ['--model', path.join(work, 'nope'), '--prompt', 'x'], /nope.*not a folder/],
    ['bad --scheduler-config JSON', ['--model', model, '--prompt', 'x', '--scheduler-config', '{oops'], /--scheduler-config.*JSON/],
    ['an unknown scheduler class', ['--model', model, '--prompt', 'x', '--steps', '1', '--scheduler', 'FooScheduler'], /FooScheduler/],
    ['a missing --init-latents file', ['--model', model, '--prompt', 'x', '--init-latents', path.join(work, 'none.safetensors')], /none\.safetensors/],
    ['a missing --prompt', ['--model', model], /--prompt/],
  ];
  it.each(cases)('%s prints one clear error and exits non-zero', (_what, args, pattern) => {
    const r = runCli(['generate', ...args]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(pattern);
    expect(r.stderr.trim().split('\n').length).toBeLessThanOrEqual(3);
  });

  it('a corrupted model file is ERR_MODEL_LOAD naming the file', () => {
    const broken = path.join(work, 'broken-model');
    rmSync(broken, { recursive: true, force: true });
    const src = path.join(fixturesDir(), 'sd15-tiny');
    const copy = (rel: string) => {
      const to = path.join(broken, rel);
      mkdirSync(path.dirname(to), { recursive: true });
      writeFileSync(to, readFileSync(path.join(src, rel)));
    };
    for (const rel of ['model_index.json', 'scheduler/scheduler_config.json', 'text_encoder/config.json', 'text_encoder/model.safetensors',
      'tokenizer/vocab.json', 'tokenizer/merges.txt', 'tokenizer/tokenizer_config.json', 'tokenizer/special_tokens_map.json',
      'unet/config.json', 'vae/config.json', 'vae/diffusion_pytorch_model.safetensors']) copy(rel);
    const unet = readFileSync(path.join(src, 'unet/diffusion_pytorch_model.safetensors'));
    writeFileSync(path.join(broken, 'unet/diffusion_pytorch_model.safetensors'), unet.subarray(0, unet.length - 100));
    const r = runCli(['generate', '--model', broken, '--prompt', 'x', '--steps', '1']);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/ERR_MODEL_LOAD.*unet\/diffusion_pytorch_model\.safetensors/);
  });
});

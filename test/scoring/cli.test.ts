import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { aestheticFile, maxAbsDiff, readGolden, scoringDir, tinyClip, writeMaliciousPth } from './helpers/golden.js';

const golden = readGolden();
const names = Object.keys(golden.images);

interface ScoreJson {
  images: { image: string; clipScore: number[]; aesthetic: number; cosine: number[] }[];
  definition: string;
}

function scoreArgs(aesthetic: string, extra: string[] = []): string[] {
  return [
    'score',
    '--clip',
    tinyClip(),
    '--aesthetic',
    aesthetic,
    ...names.flatMap((n) => ['--image', path.join(scoringDir(), golden.images[n]!.file)]),
    ...golden.texts.flatMap((t) => ['--prompt', t]),
    ...extra,
  ];
}

describe('ppbench score: the scoring golden through the CLI', () => {
  it.each(['model.pth', 'model.safetensors'] as const)('--json with the %s aesthetic file reproduces the golden scores', (file) => {
    const r = runCli(scoreArgs(aestheticFile(file), ['--json', '--batch-size', '4']));
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout) as ScoreJson;
    expect(Object.keys(doc)).toEqual(['images', 'definition']);
    expect(doc.images.map((i) => i.image)).toEqual(names.map((n) => path.join(scoringDir(), golden.images[n]!.file)));
    expect(Object.keys(doc.images[0]!)).toEqual(['image', 'clipScore', 'aesthetic', 'cosine']);
    expect(maxAbsDiff(doc.images.map((i) => i.clipScore), names.map((n) => golden.images[n]!.clip_score_per_text))).toBeLessThanOrEqual(1e-3);
    expect(maxAbsDiff(doc.images.map((i) => i.aesthetic), names.map((n) => golden.images[n]!.aesthetic))).toBeLessThanOrEqual(1e-3);
    expect(doc.images.every((i) => i.cosine.length === 4)).toBe(true);
    expect(doc.definition).toContain('max(100 * cos(image_embeds, text_embeds), 0)');
  });

  it('keeps image paths as given (relative ones too) and prints a readable table without --json', () => {
    const rel = path.relative(process.cwd(), path.join(scoringDir(), golden.images[names[0]!]!.file));
    const json = runCli(['score', '--clip', tinyClip(), '--image', rel, '--prompt', golden.texts[2]!, '--json']);
    expect(json.status).toBe(0);
    const doc = JSON.parse(json.stdout) as ScoreJson;
    expect(doc.images[0]!.image).toBe(rel);
    expect(doc.images[0]!.aesthetic).toBeNull();

    const table = runCli(scoreArgs(aestheticFile('model.safetensors')));
    expect(table.status).toBe(0);
    expect(table.stdout).toMatch(/^image\s+aesthetic\s+clip\[p1\]\s+clip\[p2\]\s+clip\[p3\]\s+clip\[p4\]/);
    expect(table.stdout).toContain('mean of 6 images');
    expect(table.stdout).toContain(`p1: ${JSON.stringify(golden.texts[0])}`);
    expect(table.stdout).toContain('max(mean(100*cos), 0)');
  });

  it('--help states the CLIP score definition and the truncation rule', () => {
    const r = runCli(['score', '--help']);
    expect(r.status).toBe(0);
    const help = r.stdout.replace(/\s+/g, ' ');
    expect(help).toContain('max(100 * cos(image_embeds, text_embeds), 0)');
    expect(help).toContain('not the raw -1..1 cosine');
    expect(help).toContain('max(mean(100 * cos), 0)');
    expect(help).toMatch(/longer than 77 tokens are truncated .* keeping EOS/);
    expect(help).toContain('.pth or .safetensors');
  });

  it('warns on stderr when a prompt is truncated', () => {
    const long = Array.from({ length: 90 }, (_, i) => `word${i}`).join(' ');
    const r = runCli(['score', '--clip', tinyClip(), '--image', path.join(scoringDir(), golden.images[names[0]!]!.file), '--prompt', long, '--json']);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/prompt 1 has \d+ tokens; truncated to 77 keeping EOS/);
  });
});

describe('ppbench score: errors exit non-zero with a coded message', () => {
  let tmp: string;
  beforeAll(() => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'ppbench-score-cli-'));
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));
  const image = () => path.join(scoringDir(), golden.images[names[0]!]!.file);

  it('missing CLIP folder', () => {
    const missing = path.join(tmp, 'missing-clip');
    const r = runCli(['score', '--clip', missing, '--image', image(), '--prompt', 'a cat']);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('[ERR_MODEL_LOAD]');
    expect(r.stderr).toContain(missing);
  });

  it('corrupt image', () => {
    const bad = path.join(tmp, 'corrupt.png');
    writeFileSync(bad, Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('garbage')]));
    const r = runCli(['score', '--clip', tinyClip(), '--image', image(), '--image', bad, '--prompt', 'a cat']);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/\[ERR_IMAGE_DECODE\] .*corrupt\.png/);
  });

  it('malicious .pth aesthetic file', () => {
    const evil = path.join(tmp, 'evil.pth');
    writeMaliciousPth(evil);
    const r = runCli(['score', '--clip', tinyClip(), '--aesthetic', evil, '--image', image(), '--prompt', 'a cat']);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('[ERR_MODEL_LOAD]');
    expect(r.stderr).toContain('posix.system');
    expect(r.stdout).not.toContain('pwned');
  });

  it('bad flags', () => {
    expect(runCli(['score', '--clip', tinyClip(), '--prompt', 'x']).stderr).toContain('at least one --image');
    const r = runCli(['score', '--clip', tinyClip(), '--image', image(), '--prompt', 'x', '--batch-size', '0']);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('--batch-size');
  });
});

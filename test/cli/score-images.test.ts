import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodePng, readPng } from '../../src/image/png-decode.js';
import { readImage } from '../../src/image/read-image.js';
import { encodePng } from '../../src/store/png/encode-png.js';
import { chunk } from '../../src/store/png/chunks.js';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../runner/helpers/bench-env.js';
import { scoringDir, tinyClip } from '../scoring/helpers/golden.js';

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** A PNG whose IHDR declares `width`x`height` with a few bytes of image data: a bomb's header. */
function declaredPng(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  return Buffer.concat([SIGNATURE, chunk('IHDR', ihdr), chunk('IDAT', Buffer.from([0x78, 0x9c, 0x03, 0x00])), chunk('IEND', Buffer.alloc(0))]);
}

const gradient = (w: number, h: number) => Uint8Array.from({ length: w * h * 3 }, (_, i) => (i * 7) % 256);

describe('image input: PNG, JPEG, WebP, with a pixel cap', () => {
  it('reads JPEG and WebP through sharp; lossless WebP gives the exact pixels', async () => {
    const dir = tempDir();
    const rgb = gradient(16, 8);
    const raw = { raw: { width: 16, height: 8, channels: 3 as const } };
    const webp = path.join(dir, 'a.webp');
    const jpeg = path.join(dir, 'a.jpg');
    await sharp(Buffer.from(rgb), raw).webp({ lossless: true }).toFile(webp);
    await sharp(Buffer.from(rgb), raw).jpeg({ quality: 95 }).toFile(jpeg);
    expect(await readImage(webp)).toEqual({ width: 16, height: 8, data: rgb });
    expect(await readImage(jpeg)).toMatchObject({ width: 16, height: 8 });
    const png = path.join(dir, 'a.png');
    writeFileSync(png, await encodePng(rgb, 16, 8, []));
    expect(await readImage(png)).toEqual(readPng(png));
  });

  it('refuses a PNG declaring 20000x20000 from its header, fast, naming the file and the override', () => {
    const started = performance.now();
    expect(() => decodePng(declaredPng(20000, 20000), 'bomb.png')).toThrow(
      'bomb.png: 20000x20000 = 400000000 pixels is over the limit of 89478485 (a decompression bomb?); raise PPBENCH_MAX_IMAGE_PIXELS to read it',
    );
    expect(performance.now() - started).toBeLessThan(500);
    expect(() => decodePng(declaredPng(64, 64), 'small.png', { maxPixels: 1000 })).toThrow(/small\.png: 64x64 = 4096 pixels is over the limit of 1000/);
  });

  it('caps JPEG and WebP from their header too', async () => {
    const file = path.join(tempDir(), 'big.jpg');
    await sharp({ create: { width: 200, height: 100, channels: 3, background: '#808080' } }).jpeg().toFile(file);
    await expect(readImage(file, { maxPixels: 10_000 })).rejects.toThrow(`${file}: 200x100 = 20000 pixels is over the limit of 10000`);
  });

  it('a 4-byte IHDR is a coded decode error naming the file, not ERR_OUT_OF_RANGE', () => {
    const png = Buffer.concat([SIGNATURE, chunk('IHDR', Buffer.alloc(4)), chunk('IEND', Buffer.alloc(0))]);
    let error: unknown;
    try {
      decodePng(png, 'short.png');
    } catch (err) {
      error = err;
    }
    expect(error).toMatchObject({ code: 'ERR_IMAGE_DECODE', message: 'short.png: IHDR chunk is 4 bytes, expected 13' });
  });

  it('ppbench score: a bad file is reported by name, the rest are scored, exit 1; --pairs and --prompt-from-png', async () => {
    const dir = tempDir();
    const bad = path.join(dir, 'bad.webp');
    writeFileSync(bad, 'RIFF....WEBPnot really');
    const good = path.join(scoringDir(), 'images', 'sd15-tiny__astronaut_pndm10.png');
    const jpeg = path.join(dir, 'good.jpg');
    await sharp(good).jpeg().toFile(jpeg);
    const r = runCli(['score', '--clip', tinyClip(), '--image', good, '--image', bad, '--image', jpeg, '--pairs', '--prompt', 'an astronaut', '--prompt', 'x', '--prompt', 'a cat', '--json']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^score: skipped ${bad}: \\[ERR_IMAGE_DECODE\\] ${bad}: not a readable image`));
    const doc = JSON.parse(r.stdout) as { images: Array<{ image: string; prompt: string; clipScore: number }> };
    expect(doc.images.map((i) => [i.image, i.prompt])).toEqual([[good, 'an astronaut'], [jpeg, 'a cat']]);
    expect(doc.images.every((i) => typeof i.clipScore === 'number')).toBe(true);

    const fromPng = path.join(dir, 'with-prompt.png');
    const rgb = gradient(32, 32);
    writeFileSync(fromPng, await encodePng(rgb, 32, 32, [['prompt', 'a red fox']]));
    const p = runCli(['score', '--clip', tinyClip(), '--image', fromPng, '--prompt-from-png', '--json']);
    expect(p.stderr).toBe('');
    expect((JSON.parse(p.stdout) as { images: Array<{ prompt: string }> }).images[0]!.prompt).toBe('a red fox');
    const mismatch = runCli(['score', '--clip', tinyClip(), '--image', good, '--pairs', '--prompt', 'a', '--prompt', 'b']);
    expect(mismatch.stderr).toBe('ppbench: [ERR_USAGE] score: --pairs needs one --prompt per --image (1 images, 2 prompts)\n');
  }, 60_000);
});

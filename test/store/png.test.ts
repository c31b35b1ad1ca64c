import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodePng } from '../../src/image/png-decode.js';
import { fakePixels } from '../../src/runner/engines/fake-generator.js';
import { isCompletePng } from '../../src/store/png/complete-png.js';
import { encodePng } from '../../src/store/png/encode-png.js';
import { readPngText } from '../../src/store/png/text-chunks.js';

describe('PNG writer', () => {
  it('round-trips pixels and text metadata (tEXt for Latin-1, iTXt for the rest)', async () => {
    const rgb = fakePixels(1234, 37, 21);
    const text: Array<[string, string]> = [
      ['prompt', 'a café at night, "quoted"'],
      ['negative_prompt', ''],
      ['prompt_ja', '夜のカフェ'],
    ];
    const png = await encodePng(rgb, 37, 21, text);
    const decoded = decodePng(png, 'mem.png');
    expect(decoded).toMatchObject({ width: 37, height: 21 });
    expect(Buffer.from(decoded.data).equals(Buffer.from(rgb))).toBe(true);
    expect(Object.fromEntries(readPngText(png, 'mem.png'))).toEqual(Object.fromEntries(text));
    expect(png.includes(Buffer.from('tEXtprompt\0'))).toBe(true);
    expect(png.includes(Buffer.from('iTXtprompt_ja\0'))).toBe(true);
  });

  it('detects corruption through the chunk CRCs and truncation', async () => {
    const png = await encodePng(fakePixels(1, 8, 8), 8, 8, [['k', 'v']]);
    const flipped = Buffer.from(png);
    flipped[40] = flipped[40]! ^ 0xff;
    expect(() => readPngText(flipped, 'x.png')).toThrow(/x\.png: bad CRC/);
    expect(() => readPngText(png.subarray(0, png.length - 12), 'x.png')).toThrow(/truncated|past the end/);
    expect(() => readPngText(Buffer.from('not a png at all'), 'x.png')).toThrow('x.png is not a PNG file');
  });

  it('isCompletePng tells a whole file from an empty or cut-short one', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ppbench-png-'));
    const png = await encodePng(fakePixels(3, 16, 16), 16, 16);
    const whole = path.join(dir, 'whole.png');
    const empty = path.join(dir, 'empty.png');
    const cut = path.join(dir, 'cut.png');
    writeFileSync(whole, png);
    writeFileSync(empty, '');
    writeFileSync(cut, png.subarray(0, png.length - 5));
    expect([whole, empty, cut, path.join(dir, 'missing.png')].map(isCompletePng)).toEqual([true, false, false, false]);
    rmSync(dir, { recursive: true, force: true });
  });
});

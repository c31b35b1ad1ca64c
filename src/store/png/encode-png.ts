import { promisify } from 'node:util';
import { deflate } from 'node:zlib';
import { chunk, PNG_SIGNATURE } from './chunks.js';
import { textChunk } from './text-chunks.js';

const deflateAsync = promisify(deflate);

/**
 * An 8-bit RGB PNG with text metadata. Every row uses the Up filter: one subtraction per byte,
 * and it shrinks smooth generated images well. Compression runs on the libuv thread pool, so the
 * event loop (lease heartbeats) never stalls on a large image.
 */
export async function encodePng(rgb: Uint8Array, width: number, height: number, text: ReadonlyArray<[string, string]> = []): Promise<Buffer> {
  const stride = width * 3;
  if (rgb.length !== stride * height) {
    throw new Error(`encodePng: expected ${stride * height} bytes for ${width}x${height} RGB, got ${rgb.length}`);
  }
  const filtered = Buffer.alloc((stride + 1) * height);
  for (let y = 0; y < height; y++) {
    const out = y * (stride + 1);
    const row = y * stride;
    if (y === 0) {
      filtered[out] = 0;
      filtered.set(rgb.subarray(0, stride), 1);
      continue;
    }
    filtered[out] = 2;
    for (let x = 0; x < stride; x++) filtered[out + 1 + x] = (rgb[row + x]! - rgb[row - stride + x]!) & 0xff;
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // colour type: truecolour
  const idat = await deflateAsync(filtered, { level: 6 });
  return Buffer.concat([
    PNG_SIGNATURE,
    chunk('IHDR', header),
    ...text.map(([k, v]) => textChunk(k, v)),
    chunk('IDAT', idat),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

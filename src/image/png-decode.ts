import { readFileSync } from 'node:fs';
import { inflateSync } from 'node:zlib';
import { CodedError } from '../errors/coded-error.js';

/** An 8-bit RGB image, rows top to bottom, HxWx3 interleaved. */
export interface RgbImage {
  width: number;
  height: number;
  data: Uint8Array;
}

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

export class PngDecodeError extends CodedError<'ERR_IMAGE_DECODE'> {
  override readonly name = 'PngDecodeError';
  constructor(message: string) {
    super('ERR_IMAGE_DECODE', message);
  }
}

/**
 * The most pixels an image may declare before anything is inflated: PIL's decompression-bomb
 * limit (Image.MAX_IMAGE_PIXELS, 89,478,485 ≈ 0.25 GiB of RGBA), a 9459² image. A 1 MB PNG can
 * declare 20000×20000; this refuses it from the header. Override with $PPBENCH_MAX_IMAGE_PIXELS.
 */
export const DEFAULT_MAX_IMAGE_PIXELS = 89_478_485;

export function maxImagePixels(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.PPBENCH_MAX_IMAGE_PIXELS?.trim();
  if (!raw) return DEFAULT_MAX_IMAGE_PIXELS;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 1) throw new PngDecodeError(`PPBENCH_MAX_IMAGE_PIXELS: expected a positive integer, got "${raw}"`);
  return n;
}

export interface DecodeOptions {
  /** Refuse images declaring more pixels (default maxImagePixels()). */
  maxPixels?: number;
}

/**
 * Decodes a non-interlaced 8-bit PNG (gray, gray+alpha, RGB, RGBA, palette) to RGB, dropping alpha
 * and replicating gray, as PIL's `convert("RGB")` does. Every error is an ERR_IMAGE_DECODE naming `source`.
 */
export function decodePng(bytes: Uint8Array, source = 'PNG', options: DecodeOptions = {}): RgbImage {
  try {
    return decodeChecked(bytes, source, options.maxPixels ?? maxImagePixels());
  } catch (err) {
    if (err instanceof PngDecodeError) throw err;
    throw new PngDecodeError(`${source}: malformed PNG (${(err as Error).message})`);
  }
}

function decodeChecked(bytes: Uint8Array, source: string, maxPixels: number): RgbImage {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const fail = (what: string): never => {
    throw new PngDecodeError(`${source}: ${what}`);
  };
  if (buf.length < 8 || !buf.subarray(0, 8).equals(SIGNATURE)) fail('not a PNG file');
  let offset = 8;
  let width = 0;
  let height = 0;
  let colorType = -1;
  let palette: Buffer | undefined;
  const idat: Buffer[] = [];
  while (offset + 8 <= buf.length) {
    const length = buf.readUInt32BE(offset);
    const type = buf.toString('latin1', offset + 4, offset + 8);
    const body = buf.subarray(offset + 8, offset + 8 + length);
    if (body.length !== length) fail(`chunk ${type} is truncated`);
    if (type === 'IHDR') {
      if (length !== 13) fail(`IHDR chunk is ${length} bytes, expected 13`);
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
      if (width * height > maxPixels) {
        fail(`${width}x${height} = ${width * height} pixels is over the limit of ${maxPixels} (a decompression bomb?); raise PPBENCH_MAX_IMAGE_PIXELS to read it`);
      }
      const bitDepth = body[8];
      colorType = body[9]!;
      if (bitDepth !== 8) fail(`bit depth ${bitDepth} is not supported (8 only)`);
      if (!(colorType in CHANNELS)) fail(`color type ${colorType} is not supported`);
      if (body[12] !== 0) fail('interlaced PNGs are not supported');
    } else if (type === 'PLTE') {
      palette = body;
    } else if (type === 'IDAT') {
      idat.push(body);
    } else if (type === 'IEND') {
      break;
    }
    offset += 12 + length;
  }
  if (!width || !height) fail('missing IHDR');
  if (colorType === 3 && !palette) fail('palette image without PLTE');
  let raw: Buffer;
  try {
    raw = inflateSync(Buffer.concat(idat));
  } catch (err) {
    return fail(`corrupt image data (${(err as Error).message})`);
  }
  const channels = CHANNELS[colorType]!;
  const stride = width * channels;
  if (raw.length < height * (stride + 1)) fail('image data is truncated');
  const pixels = unfilter(raw, width, height, channels, fail);
  return { width, height, data: toRgb(pixels, width * height, colorType, palette) };
}

export function readPng(file: string, options: DecodeOptions = {}): RgbImage {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (err) {
    throw new PngDecodeError(`${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  return decodePng(bytes, file, options);
}

function unfilter(raw: Buffer, width: number, height: number, bpp: number, fail: (w: string) => never): Uint8Array {
  const stride = width * bpp;
  const out = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    const src = y * (stride + 1) + 1;
    const row = y * stride;
    const prev = row - stride;
    for (let x = 0; x < stride; x++) {
      const a = x >= bpp ? out[row + x - bpp]! : 0;
      const b = y > 0 ? out[prev + x]! : 0;
      const c = x >= bpp && y > 0 ? out[prev + x - bpp]! : 0;
      let predictor: number;
      switch (filter) {
        case 0: predictor = 0; break;
        case 1: predictor = a; break;
        case 2: predictor = b; break;
        case 3: predictor = (a + b) >> 1; break;
        case 4: {
          const p = a + b - c;
          const pa = Math.abs(p - a);
          const pb = Math.abs(p - b);
          const pc = Math.abs(p - c);
          predictor = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
          break;
        }
        default: return fail(`unknown filter type ${filter} in row ${y}`);
      }
      out[row + x] = (raw[src + x]! + predictor) & 0xff;
    }
  }
  return out;
}

function toRgb(pixels: Uint8Array, count: number, colorType: number, palette?: Buffer): Uint8Array {
  if (colorType === 2) return pixels;
  const rgb = new Uint8Array(count * 3);
  for (let i = 0; i < count; i++) {
    let r: number, g: number, b: number;
    if (colorType === 0 || colorType === 4) {
      r = g = b = pixels[i * (colorType === 0 ? 1 : 2)]!;
    } else if (colorType === 6) {
      r = pixels[i * 4]!; g = pixels[i * 4 + 1]!; b = pixels[i * 4 + 2]!;
    } else {
      const idx = pixels[i]! * 3;
      r = palette![idx] ?? 0; g = palette![idx + 1] ?? 0; b = palette![idx + 2] ?? 0;
    }
    rgb[i * 3] = r; rgb[i * 3 + 1] = g; rgb[i * 3 + 2] = b;
  }
  return rgb;
}

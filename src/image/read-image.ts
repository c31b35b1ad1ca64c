import { readFile } from 'node:fs/promises';
import type { Metadata } from 'sharp';
import { decodePng, maxImagePixels, PngDecodeError, type DecodeOptions, type RgbImage } from './png-decode.js';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47]);

/**
 * Any image `ppbench score` takes: PNG through the project's own decoder (the same pixels as the
 * benchmark's scoring), JPEG and WebP (and whatever else libvips reads) through sharp. The
 * pixel cap is checked from the header before any pixel data is inflated; every error is an
 * ERR_IMAGE_DECODE naming the file.
 */
export async function readImage(file: string, options: DecodeOptions = {}): Promise<RgbImage> {
  const maxPixels = options.maxPixels ?? maxImagePixels();
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (err) {
    throw new PngDecodeError(`${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  if (bytes.subarray(0, 4).equals(PNG_SIGNATURE)) return decodePng(bytes, file, { maxPixels });
  // Loaded on first use: libvips costs every other ppbench command a noticeable start-up.
  const { default: sharp } = await import('sharp');
  let meta: Metadata;
  try {
    meta = await sharp(bytes).metadata();
  } catch (err) {
    throw new PngDecodeError(`${file}: not a readable image (PNG, JPEG or WebP): ${(err as Error).message}`);
  }
  const { width = 0, height = 0 } = meta;
  if (width * height > maxPixels) {
    throw new PngDecodeError(`${file}: ${width}x${height} = ${width * height} pixels is over the limit of ${maxPixels} (a decompression bomb?); raise PPBENCH_MAX_IMAGE_PIXELS to read it`);
  }
  try {
    const { data, info } = await sharp(bytes, { limitInputPixels: maxPixels })
      .toColourspace('srgb')
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error(`decoded to ${info.channels} channels`);
    return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
  } catch (err) {
    throw new PngDecodeError(`${file}: cannot decode ${meta.format ?? 'image'}: ${(err as Error).message}`);
  }
}

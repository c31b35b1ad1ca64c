import { readFileSync } from 'node:fs';
import { PngDecodeError, type RgbImage } from '../image/png-decode.js';
import { readImage } from '../image/read-image.js';
import { readPngText } from '../store/png/text-chunks.js';

export interface LoadedImages {
  /** The files that decoded, in the given order, with their pixels. */
  files: string[];
  images: RgbImage[];
  /** `file: reason` for each file that did not: reported, the rest are still scored. */
  failures: Array<{ file: string; message: string }>;
}

/** Decodes every file it can; one bad file costs only itself. */
export async function loadImages(files: readonly string[]): Promise<LoadedImages> {
  const out: LoadedImages = { files: [], images: [], failures: [] };
  for (const file of files) {
    try {
      out.images.push(await readImage(file));
      out.files.push(file);
    } catch (err) {
      out.failures.push({ file, message: `[${(err as { code?: string }).code ?? 'ERR_IMAGE_DECODE'}] ${(err as Error).message}` });
    }
  }
  return out;
}

/** The prompt a ppbench (or any diffusers-style) PNG carries in its `prompt` text chunk. */
export function promptFromPng(file: string): string {
  let text: Map<string, string>;
  try {
    text = readPngText(readFileSync(file), file);
  } catch (err) {
    throw new PngDecodeError(`${file}: cannot read its text chunks: ${(err as Error).message}`);
  }
  const prompt = text.get('prompt');
  if (prompt === undefined) throw new PngDecodeError(`${file}: no "prompt" text chunk (--prompt-from-png reads PNGs written by ppbench)`);
  return prompt;
}

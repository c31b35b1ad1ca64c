import { existsSync } from 'node:fs';
import sharp from 'sharp';

/**
 * Longest side of a page thumbnail: 1.5× the grid's 128 CSS px for high-DPI screens. Decoding and
 * resizing the full PNGs is most of a page's build time (about 14 ms per 512² PNG on two loaded
 * cores at 192 px, 19 ms at 256), so the thumbnails stay under the 256 px the page allows.
 */
export const THUMBNAIL_SIZE = 192;

/** A ≤256 px WebP as a data URI; null when the file is missing or not an image. */
export async function thumbnailDataUri(file: string): Promise<string | null> {
  if (!existsSync(file)) return null;
  try {
    const webp = await sharp(file)
      .resize({ width: THUMBNAIL_SIZE, height: THUMBNAIL_SIZE, fit: 'inside', withoutEnlargement: true })
      .webp({ quality: 72 })
      .toBuffer();
    return `data:image/webp;base64,${webp.toString('base64')}`;
  } catch {
    return null;
  }
}

/** Maps over items with at most `limit` promises in flight (sharp has its own thread pool). */
export async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** Shown in place of a missing or unreadable image. */
export const PLACEHOLDER_URI = `data:image/svg+xml;base64,${Buffer.from(
  '<svg xmlns="http://www.w3.org/2000/svg" width="128" height="128"><rect width="128" height="128" fill="#eee"/><text x="64" y="68" font-size="12" text-anchor="middle" fill="#888" font-family="sans-serif">image missing</text></svg>',
).toString('base64')}`;

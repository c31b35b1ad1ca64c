import { chunk, readChunks, type RawChunk } from './chunks.js';

const LATIN1_PRINTABLE = /^[\x20-\x7e\xa0-\xff\n]*$/;

/**
 * tEXt holds Latin-1 only; a value outside it (a prompt in another script) goes into an
 * uncompressed iTXt chunk, which is UTF-8. Readers see the same keyword either way.
 */
export function textChunk(keyword: string, value: string): Buffer {
  if (LATIN1_PRINTABLE.test(value)) {
    return chunk('tEXt', Buffer.concat([Buffer.from(keyword, 'latin1'), Buffer.from([0]), Buffer.from(value, 'latin1')]));
  }
  // keyword \0, compression flag 0, method 0, empty language tag \0, empty translated keyword \0, text
  return chunk('iTXt', Buffer.concat([Buffer.from(keyword, 'latin1'), Buffer.from([0, 0, 0, 0, 0]), Buffer.from(value, 'utf8')]));
}

/** A PNG's text metadata, without inflating its pixels; throws on a corrupt or cut-short file. */
export function readPngText(png: Buffer, file: string): Map<string, string> {
  return readTextChunks(readChunks(png, file));
}

/** tEXt and uncompressed iTXt values by keyword. */
function readTextChunks(chunks: readonly RawChunk[]): Map<string, string> {
  const text = new Map<string, string>();
  for (const { type, data } of chunks) {
    const nul = data.indexOf(0);
    if (nul < 0) continue;
    const keyword = data.toString('latin1', 0, nul);
    if (type === 'tEXt') text.set(keyword, data.toString('latin1', nul + 1));
    if (type === 'iTXt' && data[nul + 1] === 0) {
      const language = data.indexOf(0, nul + 3);
      const translated = language < 0 ? -1 : data.indexOf(0, language + 1);
      if (translated >= 0) text.set(keyword, data.toString('utf8', translated + 1));
    }
  }
  return text;
}

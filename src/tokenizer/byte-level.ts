/**
 * GPT-2/CLIP byte-level alphabet: every byte maps to one printable code point (printable Latin-1 bytes map to
 * themselves, the rest to U+0100 + n), so BPE works on strings without whitespace or control characters.
 */
function buildByteToUnicode(): string[] {
  const bs: number[] = [];
  for (let b = 0x21; b <= 0x7e; b++) bs.push(b);
  for (let b = 0xa1; b <= 0xac; b++) bs.push(b);
  for (let b = 0xae; b <= 0xff; b++) bs.push(b);
  const table = new Array<string>(256);
  for (const b of bs) table[b] = String.fromCharCode(b);
  let n = 0;
  for (let b = 0; b < 256; b++) {
    if (table[b] === undefined) table[b] = String.fromCharCode(256 + n++);
  }
  return table;
}

/** byte value -> its one-character byte-level symbol. */
export const BYTE_TO_UNICODE: readonly string[] = buildByteToUnicode();

const UNICODE_TO_BYTE: ReadonlyMap<string, number> = new Map(BYTE_TO_UNICODE.map((ch, b) => [ch, b]));

const utf8 = new TextEncoder();

/** The byte-level symbols of `text`'s UTF-8 encoding, one string per byte. */
export function toByteSymbols(text: string): string[] {
  const bytes = utf8.encode(text);
  const out = new Array<string>(bytes.length);
  for (let i = 0; i < bytes.length; i++) out[i] = BYTE_TO_UNICODE[bytes[i]!]!;
  return out;
}

/** Inverse of the byte-level mapping; characters outside the alphabet are kept as their own UTF-8 bytes. */
export function fromByteSymbols(symbols: string): Uint8Array {
  const out: number[] = [];
  for (const ch of symbols) {
    const b = UNICODE_TO_BYTE.get(ch);
    if (b !== undefined) out.push(b);
    else out.push(...utf8.encode(ch));
  }
  return Uint8Array.from(out);
}

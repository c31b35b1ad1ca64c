import { crc32 } from 'node:zlib';

export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** length, type, data, CRC-32 over type + data (PNG spec §5.3). */
export function chunk(type: string, data: Buffer): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/** Every PNG ends with this chunk (empty IEND and its CRC). */
export const IEND_CHUNK = Buffer.from([0, 0, 0, 0, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82]);

export interface RawChunk {
  type: string;
  data: Buffer;
}

/** Splits a PNG into chunks, checking the signature and every CRC. */
export function readChunks(png: Buffer, file: string): RawChunk[] {
  if (png.length < 8 || !png.subarray(0, 8).equals(PNG_SIGNATURE)) throw new Error(`${file} is not a PNG file`);
  const chunks: RawChunk[] = [];
  let at = 8;
  while (at + 12 <= png.length) {
    const length = png.readUInt32BE(at);
    const end = at + 12 + length;
    if (end > png.length) throw new Error(`${file}: chunk at byte ${at} runs past the end of the file`);
    const type = png.toString('latin1', at + 4, at + 8);
    if (crc32(png.subarray(at + 4, at + 8 + length)) !== png.readUInt32BE(at + 8 + length)) {
      throw new Error(`${file}: bad CRC in ${type} chunk at byte ${at}`);
    }
    chunks.push({ type, data: png.subarray(at + 8, at + 8 + length) });
    if (type === 'IEND') return chunks;
    at = end;
  }
  throw new Error(`${file}: truncated PNG (no IEND chunk)`);
}

import { endianness } from 'node:os';

export interface F32Tensor {
  shape: number[];
  data: Float32Array;
}

/**
 * A safetensors file of F32 tensors, as the byte chunks to write in order: u64 LE header length,
 * header JSON (padded with spaces to a multiple of 8 bytes, as the reference implementation
 * does), then each tensor's little-endian data. Tensors are laid out sorted by name, like
 * `safetensors.torch.save_file`. The data chunks are views of the tensors (no copies on
 * little-endian machines).
 */
export function safetensorsChunks(tensors: ReadonlyMap<string, F32Tensor>, metadata: Record<string, string> = { format: 'pt' }): Buffer[] {
  const names = [...tensors.keys()].sort();
  const header: Record<string, unknown> = { __metadata__: metadata };
  let offset = 0;
  for (const name of names) {
    const t = tensors.get(name)!;
    const numel = t.shape.reduce((a, b) => a * b, 1);
    if (numel !== t.data.length) throw new Error(`tensor ${name}: shape [${t.shape}] has ${numel} elements, data has ${t.data.length}`);
    header[name] = { dtype: 'F32', shape: t.shape, data_offsets: [offset, offset + t.data.byteLength] };
    offset += t.data.byteLength;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (Buffer.byteLength(json) % 8)) % 8);
  const headerBytes = Buffer.from(json, 'utf8');
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(headerBytes.length));
  const chunks: Buffer[] = [length, headerBytes];
  const bigEndian = endianness() === 'BE';
  for (const name of names) {
    const { data } = tensors.get(name)!;
    const view = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    chunks.push(bigEndian ? Buffer.from(view).swap32() : view);
  }
  return chunks;
}

/** The whole file in one buffer. */
export function encodeSafetensors(tensors: ReadonlyMap<string, F32Tensor>, metadata?: Record<string, string>): Buffer {
  return Buffer.concat(safetensorsChunks(tensors, metadata));
}

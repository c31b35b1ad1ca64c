import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { tensors } from '../../../src/native/binding.js';
import type { NativeTensor } from '../../../src/native/types.js';
import { fixturesDir } from '../../helpers/shared.js';

export const scoringDir = (): string => path.join(fixturesDir(), 'scoring');
export const tinyClip = (): string => path.join(scoringDir(), 'tiny-clip');
export const aestheticFile = (name: 'model.pth' | 'model.safetensors'): string =>
  path.join(scoringDir(), 'tiny-aesthetic', name);

export interface ScoringGolden {
  texts: string[];
  text_tokens: number[][];
  images: Record<string, { file: string; mode: string; clip_score_per_text: number[]; aesthetic: number }>;
}

export function readGolden(): ScoringGolden {
  return JSON.parse(readFileSync(path.join(scoringDir(), 'scoring_golden.json'), 'utf8')) as ScoringGolden;
}

export const goldenTensors = (): Promise<Record<string, NativeTensor>> =>
  tensors.load(path.join(scoringDir(), 'scoring_golden.safetensors'));

/** Rows of a 2-D float32 tensor. */
export function rows(t: NativeTensor): number[][] {
  const [n, d] = t.shape as [number, number];
  const data = t.data as Float32Array;
  return Array.from({ length: n }, (_, i) => Array.from(data.subarray(i * d, (i + 1) * d)));
}

export function maxAbsDiff(a: readonly (readonly number[])[] | readonly number[], b: readonly (readonly number[])[] | readonly number[]): number {
  const fa = (a as unknown[]).flat(2) as number[];
  const fb = (b as unknown[]).flat(2) as number[];
  if (fa.length !== fb.length) throw new Error(`length ${fa.length} vs ${fb.length}`);
  return fa.reduce((m, x, i) => Math.max(m, Math.abs(x - fb[i]!)), 0);
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(data: Buffer): number {
  let c = 0xffffffff;
  for (const byte of data) c = CRC_TABLE[(c ^ byte) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** A stored (uncompressed) zip, as torch.save writes it. */
function zipStored(entries: [string, Buffer][]): Buffer {
  const parts: Buffer[] = [];
  const directory: Buffer[] = [];
  let offset = 0;
  for (const [name, data] of entries) {
    const nameBytes = Buffer.from(name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(crc32(data), 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt32LE(crc32(data), 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    parts.push(local, nameBytes, data);
    directory.push(central, nameBytes);
    offset += local.length + nameBytes.length + data.length;
  }
  const dir = Buffer.concat(directory);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(dir.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, dir, end]);
}

/**
 * Writes a torch.save-style archive whose data.pkl would run `posix.system("echo pwned")` if unpickled
 * by Python: `GLOBAL posix system; SHORT_BINUNICODE "echo pwned"; TUPLE1; REDUCE; STOP`.
 */
export function writeMaliciousPth(file: string): void {
  const command = Buffer.from('echo pwned');
  const pickle = Buffer.concat([
    Buffer.from([0x80, 0x02]),
    Buffer.from('cposix\nsystem\n', 'latin1'),
    Buffer.from([0x8c, command.length]),
    command,
    Buffer.from([0x85, 0x52, 0x2e]),
  ]);
  writeFileSync(file, zipStored([['archive/data.pkl', pickle], ['archive/version', Buffer.from('3\n')]]));
}

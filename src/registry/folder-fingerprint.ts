import { createHash } from 'node:crypto';
import { closeSync, openSync, readdirSync, readFileSync, readSync } from 'node:fs';
import path from 'node:path';

/** Safetensors headers are JSON of at most this size in practice; a larger claim is hashed as a claim. */
const MAX_HEADER_BYTES = 100 * 2 ** 20;

/** The 8-byte length and the JSON header of a safetensors file: names, dtypes, shapes and offsets of every tensor. */
function safetensorsHeader(file: string): Buffer {
  const fd = openSync(file, 'r');
  try {
    const length = Buffer.alloc(8);
    if (readSync(fd, length, 0, 8, 0) < 8) return length;
    const n = Number(length.readBigUInt64LE(0));
    if (n > MAX_HEADER_BYTES) return length;
    const header = Buffer.alloc(8 + n);
    length.copy(header);
    readSync(fd, header, 8, n, 8);
    return header;
  } finally {
    closeSync(fd);
  }
}

/**
 * What a local model folder holds, as one sha256: every config and tokenizer file (.json,
 * .txt) in full and every safetensors file's header, by relative path. Cheap (no weights are
 * read) and changes when a file is added, replaced by another model's or re-exported.
 */
export function folderFingerprint(dir: string): string {
  const hash = createHash('sha256');
  const files = (readdirSync(dir, { recursive: true, withFileTypes: true }) as import('node:fs').Dirent[])
    .filter((e) => e.isFile() && /\.(json|txt|safetensors)$/.test(e.name))
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
  for (const rel of files) {
    const full = path.join(dir, rel);
    const content = rel.endsWith('.safetensors') ? safetensorsHeader(full) : readFileSync(full);
    hash.update(`${rel.split(path.sep).join('/')}\0${content.length}\0`).update(content);
  }
  return hash.digest('hex');
}

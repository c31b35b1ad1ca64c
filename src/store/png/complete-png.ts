import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { IEND_CHUNK, PNG_SIGNATURE } from './chunks.js';

/**
 * Cheap check that a file is a whole PNG: it starts with the signature and ends with IEND.
 * Catches what a crash or power cut leaves (an empty or cut-short file) without decoding it.
 */
export function isCompletePng(file: string): boolean {
  let fd: number | undefined;
  try {
    const size = statSync(file).size;
    if (size < PNG_SIGNATURE.length + IEND_CHUNK.length) return false;
    fd = openSync(file, 'r');
    const head = Buffer.alloc(PNG_SIGNATURE.length);
    const tail = Buffer.alloc(IEND_CHUNK.length);
    readSync(fd, head, 0, head.length, 0);
    readSync(fd, tail, 0, tail.length, size - tail.length);
    return head.equals(PNG_SIGNATURE) && tail.equals(IEND_CHUNK);
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../src/lease/atomic-write.js';
import { removeTempCoordDirs, tempCoordPath } from './helpers/coord.js';

afterAll(removeTempCoordDirs);

describe('atomic replace', () => {
  it('a reader sees the old content or the new, never a mix', async () => {
    const file = tempCoordPath();
    const a = 'a'.repeat(200_000);
    const b = 'b'.repeat(150_000);
    writeFileSync(file, a);
    let reading = true;
    const seen = new Set<string>();
    const reader = (async () => {
      while (reading) {
        const text = readFileSync(file, 'utf8');
        seen.add(text === a ? 'a' : text === b ? 'b' : `mixed (${text.length} bytes)`);
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    for (let i = 0; i < 100; i++) await writeFileAtomic(file, i % 2 ? a : b);
    reading = false;
    await reader;
    expect([...seen].sort()).toEqual(['a', 'b']);
  });

  it('a vetoed write leaves the target and no temp file behind', async () => {
    const file = tempCoordPath();
    writeFileSync(file, 'old');
    expect(await writeFileAtomic(file, 'new', { beforeRename: () => false })).toBe(false);
    expect(readFileSync(file, 'utf8')).toBe('old');
    expect(readdirSync(path.dirname(file))).toEqual(['status.json']);
  });
});

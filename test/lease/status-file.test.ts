import { describe, expect, it } from 'vitest';
import { isHolderStale, toDocument, withTopLevel } from '../../src/lease/lease-doc.js';
import { parseStatusText, type Holder, type StatusV1 } from '../../src/lease/status-file.js';

const T = Date.parse('2026-11-29T12:00:00.000Z');
const iso = (t: number) => new Date(t).toISOString();
const bounds = { staleMs: 1500, maxHoldMs: 600_000 };

describe('status.json parsing', () => {
  it.each([
    ['', 'empty'],
    [' \n\t', 'empty'],
    ['{"owner":"backend","since":"2026-11-29T12:00:00Z"}', 'v0'],
    ['{"owner":null}', 'v0'],
    ['{"version":1,"owner":null,"since":null,"holders":[],"want":[]}', 'v1'],
    ['{"version":1,"owner":"benchmark","since":"2026-11-29T12:00:00Z","holders":[{"id":"a","owner":"benchmark","since":"2026-11-29T12:00:00Z"}],"want":[]}', 'v1'],
    ['{"version":1,"owner":"back', 'corrupt'],
    ['not json', 'corrupt'],
    ['null', 'corrupt'],
    ['42', 'corrupt'],
    ['[]', 'corrupt'],
    ['{}', 'corrupt'],
    ['{"owner":"gpu-thief"}', 'corrupt'],
    ['{"version":2,"owner":null,"since":null,"holders":[],"want":[]}', 'corrupt'],
    ['{"version":1,"owner":null,"since":null,"holders":[{"id":"a"}],"want":[]}', 'corrupt'],
    ['{"version":1,"owner":null,"since":"yesterday","holders":[],"want":[]}', 'corrupt'],
  ])('%j reads as %s', (text, kind) => {
    expect(parseStatusText(text, T).kind).toBe(kind);
  });

  it('names what is wrong with a wrong-schema file', () => {
    expect(parseStatusText('{"version":1,"owner":"x","since":null,"holders":[],"want":[]}', T)).toMatchObject({
      kind: 'corrupt',
      problem: expect.stringMatching(/^wrong schema: owner /),
    });
  });
});

describe('the document view', () => {
  it('turns a seed (v0) claim into a legacy holder that keeps owner and since', () => {
    const doc = toDocument({ kind: 'v0', owner: 'backend', since: '2026-11-29T12:00:00Z', mtimeMs: T });
    expect(doc).toMatchObject({ version: 1, owner: 'backend', since: iso(T), want: [] });
    expect(doc.holders).toEqual([expect.objectContaining({ owner: 'backend', legacy: true, since: iso(T) })]);
  });

  it('uses the file time for a seed claim without a usable since', () => {
    const doc = toDocument({ kind: 'v0', owner: 'benchmark', since: 'soon', mtimeMs: T - 5000 });
    expect(doc.holders[0]?.since).toBe(iso(T - 5000));
  });

  it.each([{ kind: 'missing' }, { kind: 'empty', mtimeMs: 0 }] as const)('a $kind file is an empty document', (status) => {
    expect(toDocument(status)).toEqual({ version: 1, owner: null, since: null, holders: [], want: [] });
  });

  it('a corrupt file is an empty document', () => {
    expect(toDocument({ kind: 'corrupt', problem: 'x', mtimeMs: 0 }).holders).toEqual([]);
  });

  it('drops a legacy holder once a seed writer cleared the top-level owner', () => {
    const legacy: Holder = { id: 'v0-claim', owner: 'backend', since: iso(T), legacy: true };
    const doc: StatusV1 = { version: 1, owner: null, since: null, holders: [legacy], want: [] };
    expect(toDocument({ kind: 'v1', doc }).holders).toEqual([]);
  });

  it('keeps top-level owner and since meaningful for seed readers', () => {
    const h = (id: string, owner: 'backend' | 'benchmark', since: number): Holder => ({ id, owner, since: iso(since) });
    const doc: StatusV1 = { version: 1, owner: null, since: null, want: [],
      holders: [h('k', 'benchmark', T - 9000), h('b2', 'backend', T - 1000), h('b1', 'backend', T - 2000)] };
    expect(withTopLevel(doc)).toMatchObject({ owner: 'backend', since: iso(T - 2000) });
    doc.holders = [h('k', 'benchmark', T - 9000)];
    expect(withTopLevel(doc)).toMatchObject({ owner: 'benchmark', since: iso(T - 9000) });
    doc.holders = [];
    expect(withTopLevel(doc)).toMatchObject({ owner: null, since: null });
  });
});

describe('staleness', () => {
  it('judges a holder by its heartbeat (or since, when it has none)', () => {
    const h: Holder = { id: 'a', owner: 'benchmark', since: iso(T - 60_000), heartbeat: iso(T - 1500) };
    expect(isHolderStale(h, T, bounds)).toBe(false);
    expect(isHolderStale(h, T + 1, bounds)).toBe(true);
    expect(isHolderStale({ id: 'b', owner: 'backend', since: iso(T - 1000) }, T, bounds)).toBe(false);
  });

  it('treats a time implausibly far in the future as stale, so it cannot block forever', () => {
    expect(isHolderStale({ id: 'a', owner: 'backend', since: iso(T), heartbeat: iso(T + 1000) }, T, bounds)).toBe(false);
    expect(isHolderStale({ id: 'a', owner: 'backend', since: iso(T), heartbeat: iso(T + 1501) }, T, bounds)).toBe(true);
    expect(isHolderStale({ id: 'v0-claim', owner: 'backend', since: '3000-01-01T00:00:00Z', legacy: true }, T, bounds)).toBe(true);
  });

  it('judges a seed claim only by maxHoldMs', () => {
    const legacy: Holder = { id: 'v0-claim', owner: 'backend', since: iso(T - 60_000), legacy: true };
    expect(isHolderStale(legacy, T, bounds)).toBe(false);
    expect(isHolderStale(legacy, T - 60_000 + bounds.maxHoldMs + 1, bounds)).toBe(true);
  });
});

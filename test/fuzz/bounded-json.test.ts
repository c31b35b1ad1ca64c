import { describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH, parseBoundedJson } from '../../src/config/bounded-json.js';
import { runCli } from '../helpers/cli.js';

const nested = (depth: number, open = '[', close = ']'): string => open.repeat(depth) + close.repeat(depth);

describe('parseBoundedJson', () => {
  it('parses ordinary JSON exactly like JSON.parse', () => {
    const text = '{"a": [1, {"b": "x[{\\"y"}], "c": null}';
    expect(parseBoundedJson(text, 'x')).toEqual(JSON.parse(text));
    expect(parseBoundedJson(nested(MAX_JSON_DEPTH), 'x')).toBeInstanceOf(Array);
  });

  it.each([
    ['arrays', nested(MAX_JSON_DEPTH + 1)],
    ['objects', '{"a":'.repeat(MAX_JSON_DEPTH + 1) + '1' + '}'.repeat(MAX_JSON_DEPTH + 1)],
    ['5000 levels', nested(5000)],
    ['an unclosed 1,000,000 levels', '['.repeat(1_000_000)],
  ])('rejects nesting deeper than the limit (%s) with ERR_JSON_TOO_DEEP, naming the input', (_name, text) => {
    expect(() => parseBoundedJson(text, 'the scheduler config')).toThrow(
      expect.objectContaining({ code: 'ERR_JSON_TOO_DEEP', message: `the scheduler config nests deeper than ${MAX_JSON_DEPTH} levels` }),
    );
  });

  it('does not count brackets inside strings, escaped quotes included', () => {
    const text = JSON.stringify({ s: '['.repeat(1000) + '"' + '{'.repeat(1000) });
    expect(parseBoundedJson(text, 'x')).toEqual(JSON.parse(text));
  });

  it('codes syntax errors and oversized text', () => {
    expect(() => parseBoundedJson('{"a":', 'x')).toThrow(expect.objectContaining({ code: 'ERR_JSON_SYNTAX' }));
    expect(() => parseBoundedJson('[1,2,3]', 'x', { maxChars: 4 })).toThrow(expect.objectContaining({ code: 'ERR_JSON_TOO_LARGE' }));
  });
});

describe('ppbench generate --scheduler-config (issue #19, finding 8)', () => {
  it('a 5000-deep JSON is a coded error, not a stack overflow', () => {
    const deep = '{"a":'.repeat(5000) + '1' + '}'.repeat(5000);
    const r = runCli(['generate', '--model', 'x', '--prompt', 'p', '--scheduler-config', deep], { timeoutMs: 60_000 });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('ppbench: [ERR_JSON_TOO_DEEP] the JSON option nests deeper than 64 levels');
    expect(r.stderr).not.toContain('Maximum call stack');
  });
});

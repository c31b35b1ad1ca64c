import { describe, expect, it } from 'vitest';
import { createProgress } from '../../src/runner/progress.js';
import { formatDuration } from '../../src/runner/progress-state.js';

function sink(isTTY: boolean) {
  const chunks: string[] = [];
  return { stream: { isTTY, write: (c: string) => (chunks.push(c), true) } as unknown as NodeJS.WritableStream & { isTTY: boolean }, chunks };
}

describe('progress', () => {
  it('on a terminal redraws one status line with the model bar, rate and ETA, then the total', () => {
    const { stream, chunks } = sink(true);
    const p = createProgress(stream);
    p.start([{ key: 'sdxl-base', total: 4, done: 1 }, { key: 'ssd1b', total: 4, done: 0 }]);
    p.modelStart('sdxl-base');
    p.completed('sdxl-base');
    const status = chunks.filter((c) => c.startsWith('\r\x1b[2K') && c.length > 5).at(-1)!;
    expect(status).toMatch(/sdxl-base \[#{12}-{12}\] 2\/4 .*img\/(s|min) ETA \S+ \| total 2\/8 .*ETA/);
    p.finish();
    expect(chunks.at(-1)).toBe('\r\x1b[2K');
  });

  it('elsewhere prints plain lines: model starts and ends, notes, and a status line at most every interval', () => {
    const { stream, chunks } = sink(false);
    const p = createProgress(stream, { intervalMs: 60_000 });
    p.start([{ key: 'sd15', total: 2, done: 0 }]);
    p.modelStart('sd15');
    p.completed('sd15');
    p.note('sd15/p001/s0: failed: [ERR_CUDA_OOM] out of memory');
    p.completed('sd15');
    expect(chunks.every((c) => c.endsWith('\n') && !c.includes('\r'))).toBe(true);
    expect(chunks[0]).toBe('sd15: 2 of 2 images to make\n');
    expect(chunks.filter((c) => c.startsWith('sd15 ['))).toHaveLength(1);
    expect(chunks).toContain('sd15/p001/s0: failed: [ERR_CUDA_OOM] out of memory\n');
    expect(chunks.at(-1)).toMatch(/^sd15: done 2\/2/);
  });

  it('formats durations for ETAs', () => {
    expect([formatDuration(null), formatDuration(42), formatDuration(125), formatDuration(7322)]).toEqual(['--', '42s', '2m05s', '2h02m']);
  });
});

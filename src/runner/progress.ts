import { performance } from 'node:perf_hooks';
import { formatDuration, formatRate, ProgressState, type Rate } from './progress-state.js';

export interface ProgressSink {
  start(models: ReadonlyArray<{ key: string; total: number; done: number }>): void;
  modelStart(key: string): void;
  /** An image reached a final state. */
  completed(key: string): void;
  /** A line worth keeping in the log (a failed image, a skipped model). */
  note(line: string): void;
  finish(): void;
}

export const silentProgress: ProgressSink = {
  start: () => undefined,
  modelStart: () => undefined,
  completed: () => undefined,
  note: () => undefined,
  finish: () => undefined,
};

const BAR_WIDTH = 24;

const bar = (r: Rate): string => {
  const filled = r.total === 0 ? BAR_WIDTH : Math.round((BAR_WIDTH * r.done) / r.total);
  return `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}]`;
};

const describe = (label: string, r: Rate): string => `${label} ${r.done}/${r.total} ${formatRate(r)} ETA ${formatDuration(r.etaSeconds)}`;

/**
 * On a terminal: one status line redrawn in place (per-model bar, then the total). Elsewhere
 * (CI logs, `docker logs`): a plain line every `intervalMs` and at each model's start and end.
 */
export function createProgress(stream: NodeJS.WritableStream & { isTTY?: boolean }, options: { intervalMs?: number } = {}): ProgressSink {
  const tty = stream.isTTY === true;
  const intervalMs = options.intervalMs ?? 10_000;
  let state = new ProgressState([]);
  let lastLine = -Infinity;
  let drawn = false;

  const status = (): string => {
    const key = state.current;
    const model = key === null ? '' : `${key} ${bar(state.model(key))} ${describe('', state.model(key)).trim()} | `;
    return `${model}${describe('total', state.overall())}`;
  };
  const clear = (): void => {
    if (tty && drawn) stream.write('\r\x1b[2K');
    drawn = false;
  };
  const draw = (): void => {
    if (tty) {
      stream.write(`\r\x1b[2K${status()}`);
      drawn = true;
    } else if (performance.now() - lastLine >= intervalMs) {
      stream.write(`${status()}\n`);
      lastLine = performance.now();
    }
  };
  const line = (text: string): void => {
    clear();
    stream.write(`${text}\n`);
    if (tty) draw();
  };

  return {
    start(models) {
      state = new ProgressState(models);
    },
    modelStart(key) {
      state.startModel(key);
      const r = state.model(key);
      line(`${key}: ${r.total - r.done} of ${r.total} images to make`);
    },
    completed(key) {
      state.completed(key);
      draw();
      const r = state.model(key);
      if (r.done === r.total) line(`${key}: done ${describe('', r).trim()}`);
    },
    note: line,
    finish() {
      clear();
    },
  };
}

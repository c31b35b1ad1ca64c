const MB = 1e6;
const mb = (bytes: number): string => `${(bytes / MB).toFixed(1)} MB`;

/** What a prefetch tells its user: each file as it starts and ends, and the bytes in between. */
export interface PrefetchProgress {
  planned(key: string, file: string, bytes: number, present: boolean): void;
  fileStart(key: string, file: string, bytes: number): void;
  fileProgress(done: number, total: number): void;
  fileDone(key: string, file: string, bytes: number, ms: number): void;
}

/** A rewritten line on a terminal; elsewhere (logs, CI) a plain line every `intervalMs`. */
export function streamProgress(out: NodeJS.WriteStream, intervalMs = 10_000): PrefetchProgress {
  const tty = out.isTTY === true;
  let current = '';
  let started = 0;
  let lastLine = 0;
  const rate = (done: number): string => `${(done / MB / Math.max((performance.now() - started) / 1000, 1e-3)).toFixed(1)} MB/s`;
  return {
    planned: (key, file, bytes, present) => out.write(`${present ? 'present ' : 'to fetch'} ${key}: ${file} (${mb(bytes)})\n`),
    fileStart: (key, file, bytes) => {
      current = `${key}: ${file}`;
      started = performance.now();
      lastLine = started;
      if (!tty) out.write(`fetching ${current} (${mb(bytes)})\n`);
    },
    fileProgress: (done, total) => {
      const now = performance.now();
      const line = `${current} ${mb(done)} of ${mb(total)} (${((100 * done) / Math.max(total, 1)).toFixed(0)}%, ${rate(done)})`;
      if (tty) out.write(`\r${line}\u001b[K`);
      else if (now - lastLine >= intervalMs) {
        out.write(`  ${line}\n`);
        lastLine = now;
      }
    },
    fileDone: (key, file, bytes, ms) => {
      if (tty) out.write('\r\u001b[K');
      out.write(`fetched ${key}: ${file} (${mb(bytes)} in ${(ms / 1000).toFixed(1)} s)\n`);
    },
  };
}

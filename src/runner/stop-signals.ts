const SIGNALS = ['SIGINT', 'SIGTERM'] as const;
const EXIT_CODES: Record<(typeof SIGNALS)[number], number> = { SIGINT: 130, SIGTERM: 143 };

export interface StopSignals {
  /** Fires on the first SIGINT/SIGTERM. */
  signal: AbortSignal;
  /** 128 + signal number once a signal arrived, else null. */
  exitCode(): number | null;
  dispose(): void;
}

/**
 * First signal: stop gracefully — the current image is aborted at its next step, recorded as
 * interrupted, the lease released and the database closed by the normal unwinding. A second
 * signal exits at once (the lease then goes stale, LEASE.md "Crash safety").
 */
export function stopOnSignals(onFirst: (signal: string) => void): StopSignals {
  const controller = new AbortController();
  let code: number | null = null;
  const handler = (signal: (typeof SIGNALS)[number]): void => {
    if (code !== null) process.exit(code);
    code = EXIT_CODES[signal];
    onFirst(signal);
    controller.abort(new Error(`received ${signal}`));
  };
  for (const s of SIGNALS) process.on(s, handler);
  return {
    signal: controller.signal,
    exitCode: () => code,
    dispose: () => {
      for (const s of SIGNALS) process.removeListener(s, handler);
    },
  };
}

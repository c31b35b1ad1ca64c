import { CommanderError } from 'commander';

/** What the CLI prints for an error and the exit code it leaves with. */
export interface CliFailure {
  /** The whole line: `ppbench: [CODE] message`; empty when nothing is to be printed (--help, --version). */
  line: string;
  exitCode: number;
}

/**
 * Every error in one form, `ppbench: [CODE] message`: coded errors as they are, commander's
 * usage errors as ERR_USAGE (its "error: " prefix dropped), SQLite errors with their SQLITE_*
 * code, Node's system errors with their code and the path they concern.
 */
export function formatCliError(err: unknown): CliFailure {
  if (err instanceof CommanderError) {
    // --help and --version "fail" with exit code 0 after printing what was asked.
    if (err.exitCode === 0 || err.code === 'commander.help' || err.code === 'commander.helpDisplayed') return { line: '', exitCode: err.exitCode };
    return { line: `ppbench: [ERR_USAGE] ${err.message.replace(/^error: /, '')} (run with --help for usage)`, exitCode: err.exitCode || 1 };
  }
  const e = (typeof err === 'object' && err !== null ? err : {}) as { code?: unknown; message?: unknown; path?: unknown; syscall?: unknown };
  const message = typeof e.message === 'string' ? e.message : String(err);
  const code = typeof e.code === 'string' && e.code !== '' ? e.code : 'ERR_INTERNAL';
  if (typeof e.path === 'string' && typeof e.syscall === 'string') {
    // "ENOENT: no such file or directory, open '/x'" → "no such file or directory (open /x)"
    const what = message.replace(new RegExp(`^${code}: `), '').replace(/, \w+ '.*'$/, '');
    return { line: `ppbench: [${code}] ${what} (${e.syscall} ${e.path})`, exitCode: 1 };
  }
  return { line: `ppbench: [${code}] ${message}`, exitCode: 1 };
}

import type { Command } from 'commander';
import { databasePath } from '../../results/result-paths.js';
import { resolveResultsDir } from '../../results/results-dir.js';
import { compareText } from '../../report/compare-text.js';
import { ReportError } from '../../report/report-error.js';
import { runComparison } from '../../report/write-compare.js';
import { formatTable } from '../format-table.js';

interface CompareFlags {
  db: string[];
  resultsDir?: string;
  json?: boolean;
  out?: string;
  failOnRegression?: boolean;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

export function registerCompare(program: Command): void {
  program
    .command('compare')
    .description('compare two runs per model and metric (paired bootstrap, verdict better / worse / no significant change) and their image drift')
    .argument('<run-a>', 'the baseline run')
    .argument('<run-b>', 'the run compared to it')
    .option('--db <file>', 'database of the runs; give it twice for A and B in different files (default <results dir>/ppbench.sqlite)', collect, [])
    .option('--results-dir <dir>', 'results folder (default $PPBENCH_RESULTS_DIR, then research/benchmark_results)')
    .option('--json', 'print the comparison as JSON')
    .option('--out <file>', 'also write the comparison as an HTML page')
    .option('--fail-on-regression', 'exit 1 when any verdict is worse (for CI)')
    .action(async (runA: string, runB: string, flags: CompareFlags) => {
      if (flags.db.length > 2) throw new ReportError('ERR_REPORT_ARGS', `--db at most twice (A, then B), got ${flags.db.length}`);
      const fallback = databasePath(resolveResultsDir({ flag: flags.resultsDir }));
      const databaseA = flags.db[0] ?? fallback;
      const comparison = await runComparison({ runA, runB, databaseA, databaseB: flags.db[1] ?? databaseA, out: flags.out });
      process.stdout.write(flags.json ? `${JSON.stringify(comparison, null, 2)}\n` : `${compareText(comparison, formatTable)}\n`);
      if (flags.out !== undefined) process.stderr.write(`compare: ${flags.out}\n`);
      if (flags.failOnRegression && comparison.regressions > 0) process.exitCode = 1;
    });
}

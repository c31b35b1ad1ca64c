import type { Command } from 'commander';
import { databasePath } from '../../results/result-paths.js';
import { resolveResultsDir } from '../../results/results-dir.js';
import { DEFAULT_GRID_PROMPTS } from '../../report/build-report.js';
import { ReportError } from '../../report/report-error.js';
import { writeReport } from '../../report/write-report.js';
import { integerIn } from '../option-parsers.js';

interface ReportFlags {
  run?: string;
  latest?: boolean;
  resultsDir?: string;
  db?: string;
  out?: string;
  gridPrompts?: number;
  gridSeed?: number;
}

export function registerReport(program: Command): void {
  program
    .command('report')
    .description('write one self-contained HTML page for a run: leaderboard with 95% intervals, plots, image grid, lease impact')
    .option('--run <id>', 'the run to report on')
    .option('--latest', 'the newest run in the database (the default)')
    .option('--results-dir <dir>', 'results folder (default $PPBENCH_RESULTS_DIR, then research/benchmark_results)')
    .option('--db <file>', 'read this database file (e.g. a merge output) instead of <results dir>/ppbench.sqlite')
    .option('--out <file>', 'where to write the page (default <results dir>/<run>/report.html)')
    .option('--grid-prompts <n>', 'prompts (rows) in the image grid', integerIn(0, 100_000), DEFAULT_GRID_PROMPTS)
    .option('--grid-seed <k>', 'seed index the image grid shows', integerIn(0, 100_000), 0)
    .action(async (flags: ReportFlags) => {
      if (flags.run !== undefined && flags.latest) throw new ReportError('ERR_REPORT_ARGS', 'give --run or --latest, not both');
      const written = await writeReport({
        databaseFile: flags.db ?? databasePath(resolveResultsDir({ flag: flags.resultsDir })),
        runId: flags.run,
        out: flags.out,
        gridPrompts: flags.gridPrompts,
        gridSeed: flags.gridSeed,
      });
      process.stdout.write(`${written.file}\n`);
      process.stderr.write(`report: run ${written.runId}, ${(written.bytes / 1e6).toFixed(2)} MB\n`);
    });
}

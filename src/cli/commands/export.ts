import { existsSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { databasePath } from '../../results/result-paths.js';
import { resolveResultsDir } from '../../results/results-dir.js';
import { parseShard } from '../../runner/shard.js';
import { toCsv, toExportRows } from '../../store/export-rows.js';
import { ResultStore } from '../../store/result-store.js';
import { StoreError } from '../../store/store-error.js';
import { summarizeCategories } from '../../runner/category-summary.js';
import { oneOf } from '../option-parsers.js';

interface ExportFlags {
  run?: string;
  format: 'csv' | 'json';
  out?: string;
  resultsDir?: string;
  db?: string;
  shard?: string;
}

export function registerExport(program: Command): void {
  program
    .command('export')
    .description('write one row per image (settings, status, scores, timings) as CSV or JSON')
    .option('--run <id>', 'run to export (default: the newest run in the database)')
    .option('--format <format>', 'csv | json', oneOf(['csv', 'json'] as const), 'csv')
    .option('--out <file>', 'write here instead of stdout')
    .option('--results-dir <dir>', 'results folder (default $PPBENCH_RESULTS_DIR, then research/benchmark_results)')
    .option('--shard <k/n>', "read that shard's database")
    .option('--db <file>', 'read this database file (e.g. a merge output) instead')
    .action((flags: ExportFlags) => {
      const file = flags.db ?? databasePath(resolveResultsDir({ flag: flags.resultsDir }), flags.shard === undefined ? undefined : parseShard(flags.shard));
      if (!existsSync(file)) throw new StoreError('ERR_NO_DATABASE', `export: no results database at ${file}`);
      const store = ResultStore.open(file);
      try {
        const run = flags.run === undefined ? store.runs.latest() : store.runs.get(flags.run);
        if (!run) throw new StoreError('ERR_NO_DATABASE', `export: ${flags.run === undefined ? 'no runs' : `no run ${flags.run}`} in ${file}`);
        const results = store.images.results(run.id);
        const rows = toExportRows(results, { run, loads: store.runs.modelLoads(run.id) });
        const { configJson, ...runFields } = run;
        const text =
          flags.format === 'csv' ? toCsv(rows) : `${JSON.stringify({ run: { ...runFields, config: JSON.parse(configJson) as unknown }, categories: summarizeCategories(results), images: rows }, null, 2)}\n`;
        if (flags.out === undefined) process.stdout.write(text);
        else {
          writeFileSync(flags.out, text);
          process.stderr.write(`export: ${rows.length} images of run ${run.id} → ${flags.out}\n`);
        }
      } finally {
        store.close();
      }
    });
}

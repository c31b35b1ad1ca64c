import type { Command } from 'commander';
import { writeReport } from '../../report/write-report.js';
import { executeRun } from '../../runner/execute-run.js';
import type { ModelSummary } from '../../runner/summary.js';
import { formatTable } from '../format-table.js';
import { formatLeaseLine } from '../../runner/lease-summary.js';
import type { CategoryScores } from '../../runner/category-summary.js';
import { integerIn, oneOf } from '../option-parsers.js';

interface RunFlags {
  config?: string;
  resume?: string;
  new?: boolean;
  runId?: string;
  shard?: string;
  resultsDir?: string;
  limitPrompts?: number;
  perCategory?: number;
  models?: string;
  seeds?: number;
  engine?: string;
  cudaGraphs?: 'auto' | 'on' | 'off';
  scoring: boolean;
  progressInterval?: number;
  demo?: boolean;
  skipMissing?: boolean;
}

const positiveInt = integerIn(1, Number.MAX_SAFE_INTEGER);

export function registerRun(program: Command): void {
  program
    .command('run')
    .description('run the benchmark (models x prompts x seeds), resuming the latest unfinished run of the same config')
    .option('--config <file>', 'run config JSON (default research/configs/default.json)')
    .option('--resume <run-id>', 'resume this run with its stored config; only missing images are made')
    .option('--new', 'start a new run even when an unfinished run of the same config exists')
    .option('--run-id <id>', 'name of a new run (or of the run to resume when it exists), e.g. shared by shards')
    .option('--shard <k/n>', 'make only shard k of n (0-based); each shard writes its own database')
    .option('--results-dir <dir>', 'results folder (default $PPBENCH_RESULTS_DIR, then the config, then research/benchmark_results)')
    .option('--limit-prompts <n>', 'only the first n prompts of the selection', positiveInt)
    .option('--per-category <n>', 'n prompts of every category (the first n of each)', positiveInt)
    .option('--models <keys>', 'comma-separated model keys instead of the config\'s list')
    .option('--seeds <n>', 'seeds per prompt', positiveInt)
    .option('--engine <name>', 'native | fake', oneOf(['native', 'fake'] as const))
    .option('--cuda-graphs <mode>', 'auto | on | off: replay each denoising step from a CUDA graph (config cudaGraphs)', oneOf(['auto', 'on', 'off'] as const))
    .option('--no-scoring', 'skip CLIP and aesthetic scoring')
    .option('--demo', 'run the random-weight demo models (research/configs/demo.json)')
    .option('--no-demo', 'never fall back to the demo models when real weights are missing')
    .option('--skip-missing', 'run the models that pass preflight and record the others as skipped (default: stop with the list)')
    .option('--progress-interval <ms>', 'period of progress lines when not on a terminal', positiveInt)
    .action(async (flags: RunFlags) => {
      const result = await executeRun(
        {
          config: flags.config,
          resume: flags.resume,
          fresh: flags.new,
          runId: flags.runId,
          shard: flags.shard,
          resultsDir: flags.resultsDir,
          limitPrompts: flags.limitPrompts,
          perCategory: flags.perCategory,
          models: flags.models?.split(',').map((m) => m.trim()).filter((m) => m !== ''),
          seeds: flags.seeds,
          engine: flags.engine,
          cudaGraphs: flags.cudaGraphs,
          scoring: flags.scoring,
          demo: flags.demo,
          skipMissing: flags.skipMissing,
        },
        { err: process.stderr, progressIntervalMs: flags.progressInterval },
      );
      const how = result.alreadyCompleted ? 'already completed, nothing generated' : result.resumed ? 'resumed' : 'new';
      process.stdout.write(`run ${result.runId} (${how}): ${result.status} — ${result.databaseFile}\n\n`);
      process.stdout.write(`${summaryTable(result.summary)}\n`);
      process.stdout.write(`${formatLeaseLine(result.lease)}\n`);
      if (result.categories.length > 0) process.stdout.write(`\nby prompt category:\n${categoryTable(result.categories)}\n`);
      if (result.skippedModels.length > 0) process.stdout.write(`skipped (--skip-missing, not in this run): ${result.skippedModels.join(', ')}\n`);
      if (result.alreadyCompleted && result.reportFile) {
        process.stdout.write(`report: ${result.reportFile}\n`);
      } else {
        // The page is a view of the database: a failure to write it is reported, not the run's failure.
        try {
          process.stdout.write(`report: ${(await writeReport({ databaseFile: result.databaseFile, runId: result.runId })).file}\n`);
        } catch (err) {
          process.stderr.write(`report: not written: ${(err as Error).message}\n`);
        }
      }
      process.exitCode = result.exitCode;
    });
}

const fixed = (v: number | null, digits: number): string => (v === null ? '-' : v.toFixed(digits));
const gib = (bytes: number | null): string => (bytes === null ? '-' : `${(bytes / 2 ** 30).toFixed(2)} GiB`);

function summaryTable(rows: readonly ModelSummary[]): string {
  const table = formatTable(
    ['model', 'ok', 'failed', 'pending', 'CLIP', 'aesthetic', 'load ms', 'p50 ms', 'p95 ms', 'peak mem', 'warm-up ms', 'note'],
    rows.map((r) => [
      r.model,
      String(r.ok),
      String(r.failed),
      String(r.pending),
      fixed(r.clipScore, 2),
      fixed(r.aesthetic, 2),
      fixed(r.loadMs, 0),
      fixed(r.latencyP50Ms, 0),
      fixed(r.latencyP95Ms, 0),
      gib(r.peakMemoryBytes),
      fixed(r.warmupMs, 0),
      r.loadError ?? '',
    ]),
  );
  // Process RSS only grows, so it cannot say what one model or image took: no figure on CPU.
  const noMemory = rows.some((r) => r.ok > 0) && rows.every((r) => r.peakMemoryBytes === null);
  const warm = 'p50/p95 leave out each model\'s first image (warm-up), shown on its own.';
  return noMemory ? `${table}\n${warm}\npeak mem: the CUDA allocator's peak per image; not measured on CPU.` : `${table}\n${warm}`;
}

function categoryTable(rows: readonly CategoryScores[]): string {
  return formatTable(['model', 'category', 'ok', 'CLIP', 'aesthetic'], rows.map((r) => [r.model, r.category, String(r.ok), fixed(r.clipScore, 2), fixed(r.aesthetic, 2)]));
}

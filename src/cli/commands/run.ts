import type { Command } from 'commander';
import { executeRun } from '../../runner/execute-run.js';
import type { ModelSummary } from '../../runner/summary.js';
import { formatTable } from '../format-table.js';
import { integerIn, oneOf } from '../option-parsers.js';

interface RunFlags {
  config?: string;
  resume?: string;
  new?: boolean;
  runId?: string;
  shard?: string;
  resultsDir?: string;
  limitPrompts?: number;
  models?: string;
  seeds?: number;
  engine?: string;
  cudaGraphs?: 'auto' | 'on' | 'off';
  scoring: boolean;
  progressInterval?: number;
  demo?: boolean;
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
    .option('--models <keys>', 'comma-separated model keys instead of the config\'s list')
    .option('--seeds <n>', 'seeds per prompt', positiveInt)
    .option('--engine <name>', 'native | fake', oneOf(['native', 'fake'] as const))
    .option('--cuda-graphs <mode>', 'auto | on | off: replay each denoising step from a CUDA graph (config cudaGraphs)', oneOf(['auto', 'on', 'off'] as const))
    .option('--no-scoring', 'skip CLIP and aesthetic scoring')
    .option('--demo', 'run the random-weight demo models (research/configs/demo.json)')
    .option('--no-demo', 'never fall back to the demo models when real weights are missing')
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
          models: flags.models?.split(',').map((m) => m.trim()).filter((m) => m !== ''),
          seeds: flags.seeds,
          engine: flags.engine,
          cudaGraphs: flags.cudaGraphs,
          scoring: flags.scoring,
          demo: flags.demo,
        },
        { err: process.stderr, progressIntervalMs: flags.progressInterval },
      );
      process.stdout.write(`run ${result.runId} (${result.resumed ? 'resumed' : 'new'}): ${result.status} — ${result.databaseFile}\n\n`);
      process.stdout.write(`${summaryTable(result.summary)}\n`);
      process.exitCode = result.exitCode;
    });
}

const fixed = (v: number | null, digits: number): string => (v === null ? '-' : v.toFixed(digits));
const gib = (bytes: number | null): string => (bytes === null ? '-' : `${(bytes / 2 ** 30).toFixed(2)} GiB`);

function summaryTable(rows: readonly ModelSummary[]): string {
  const table = formatTable(
    ['model', 'ok', 'failed', 'pending', 'CLIP', 'aesthetic', 'load ms', 'p50 ms', 'p95 ms', 'peak mem', 'note'],
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
      r.loadError ?? '',
    ]),
  );
  // Process RSS only grows, so it cannot say what one model or image took: no figure on CPU.
  const noMemory = rows.some((r) => r.ok > 0) && rows.every((r) => r.peakMemoryBytes === null);
  return noMemory ? `${table}\npeak mem: the CUDA allocator's peak per image; not measured on CPU.` : table;
}

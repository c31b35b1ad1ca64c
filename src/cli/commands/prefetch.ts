import type { Command } from 'commander';
import { ConfigError } from '../../config/config-error.js';
import { loadRunConfig } from '../../config/load-run-config.js';
import { DEFAULT_CONFIG_FILE } from '../../config/project-root.js';
import { prefetch, streamProgress } from '../../prefetch/index.js';

interface PrefetchFlags {
  config?: string;
  models?: string;
  scoring: boolean;
  dryRun?: boolean;
}

const gb = (bytes: number): string => `${(bytes / 1e9).toFixed(2)} GB`;

export function registerPrefetch(program: Command): void {
  program
    .command('prefetch')
    .description("download what a run reads (the config's models, the scoring CLIP, aesthetic MLP and PickScore) into the Hugging Face cache")
    .option('--config <file>', 'run config JSON (default research/configs/default.json)')
    .option('--models <keys>', "comma-separated model keys instead of the config's list")
    .option('--no-scoring', 'skip the scoring models (CLIP, aesthetic MLP, PickScore)')
    .option('--dry-run', 'list the files and sizes, download nothing (but each model_index.json)')
    .addHelpText(
      'after',
      '\nThe cache is $HF_HUB_CACHE, $HUGGINGFACE_HUB_CACHE, $HF_HOME/hub or ~/.cache/huggingface/hub; the Hub is $HF_ENDPOINT\n' +
        '(default https://huggingface.co); gated repos need HF_TOKEN. Only the files the engine reads are fetched (configs,\n' +
        'tokenizers, safetensors in the registry variant), each checked against the Hub\'s sha256; an interrupted run resumes.',
    )
    .action(async (flags: PrefetchFlags) => {
      const config = loadRunConfig(flags.config ?? DEFAULT_CONFIG_FILE, (raw) => {
        if (!flags.scoring) raw.scoring = { ...(raw.scoring as object | undefined), enabled: false };
      });
      if (flags.models !== undefined) {
        const keys = flags.models.split(',').map((k) => k.trim()).filter(Boolean);
        const unknown = keys.filter((k) => !config.models.some((m) => m.key === k));
        if (unknown.length > 0) {
          throw new ConfigError('ERR_UNKNOWN_MODEL', `--models: ${unknown.join(', ')} not in the config (its models: ${config.models.map((m) => m.key).join(', ')})`);
        }
        config.models = config.models.filter((m) => keys.includes(m.key));
      }
      const stop = new AbortController();
      const onSignal = (): void => stop.abort();
      process.once('SIGINT', onSignal).once('SIGTERM', onSignal);
      try {
        const r = await prefetch(config, { progress: streamProgress(process.stderr), signal: stop.signal, dryRun: flags.dryRun });
        for (const l of r.local) process.stdout.write(`${l.key}: local folder ${l.dir} (nothing to fetch)\n`);
        for (const repo of r.repos) {
          process.stdout.write(`${repo.key}: ${repo.repo}@${repo.commit.slice(0, 12)} ${repo.files} files in ${repo.dir}\n`);
        }
        const verb = flags.dryRun ? 'to download' : 'downloaded';
        process.stdout.write(`${verb} ${gb(r.downloadedBytes)}, already present ${gb(r.presentBytes)}; cache ${r.cacheDir}\n`);
      } catch (err) {
        if (stop.signal.aborted) {
          process.stderr.write('prefetch: interrupted; run it again to resume (partial files are kept as *.incomplete)\n');
          process.exitCode = 130;
          return;
        }
        throw err;
      } finally {
        process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
      }
    });
}

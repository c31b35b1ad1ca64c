import path from 'node:path';
import { ConfigError } from './config-error.js';
import { DEFAULT_PROMPTS_FILE } from './project-root.js';
import { readJsonFile } from './read-json-file.js';
import { configKeysAt, runConfigSchema, type RunConfig } from './run-config.js';
import { formatIssues } from './zod-issues.js';

/**
 * Validates a run config and makes its paths absolute (relative paths are relative to
 * `baseDir`, the config file's folder), so the stored copy means the same thing from any
 * working directory.
 */
export type LoadedRunConfig = RunConfig & { prompts: RunConfig['prompts'] & { file: string } };

export function parseRunConfig(data: unknown, source: string, baseDir: string): LoadedRunConfig {
  const parsed = runConfigSchema.safeParse(data);
  if (!parsed.success) throw new ConfigError('ERR_CONFIG', `invalid run config:\n${formatIssues(source, parsed.error, configKeysAt)}`);
  const c = parsed.data;
  const abs = (p: string | undefined): string | undefined => (p === undefined ? undefined : path.resolve(baseDir, p));
  return {
    ...c,
    prompts: { ...c.prompts, file: abs(c.prompts.file) ?? DEFAULT_PROMPTS_FILE },
    resultsDir: abs(c.resultsDir),
    models: c.models.map((m) => (m.path === undefined ? m : { ...m, path: abs(m.path) })),
    lease: c.lease.path === undefined ? c.lease : { ...c.lease, path: abs(c.lease.path) },
    demo: c.demo?.dir === undefined ? c.demo : { dir: abs(c.demo.dir) },
    scoring: {
      ...c.scoring,
      clip: c.scoring.clip?.path === undefined ? c.scoring.clip : { ...c.scoring.clip, path: abs(c.scoring.clip.path) },
      aesthetic: c.scoring.aesthetic === false || c.scoring.aesthetic?.path === undefined ? c.scoring.aesthetic : { path: abs(c.scoring.aesthetic.path) },
    },
  };
}

/** `edit` applies command-line overrides to the raw JSON, so they are validated like the file. */
export function loadRunConfig(file: string, edit: (raw: Record<string, unknown>) => void = () => undefined): LoadedRunConfig {
  const absolute = path.resolve(file);
  const raw = readJsonFile(absolute, 'ERR_CONFIG', 'run config');
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ConfigError('ERR_CONFIG', `invalid run config:\n${absolute}: (top level): expected a JSON object`);
  }
  edit(raw as Record<string, unknown>);
  return parseRunConfig(raw, absolute, path.dirname(absolute));
}

import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { didYouMean } from '../../src/config/did-you-mean.js';
import { parseRunConfig } from '../../src/config/load-run-config.js';
import { loadPrompts, selectPrompts } from '../../src/config/prompts.js';
import { DEFAULT_PROMPTS_FILE } from '../../src/config/project-root.js';
import { prepareRun } from '../../src/runner/prepare-run.js';
import { tempDir } from '../runner/helpers/bench-env.js';

const cli = path.resolve('dist/cli/main.js');
const ppbench = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 30_000 });

describe('errors: blamed on their source, with "did you mean"', () => {
  it('a typo in --models is blamed on the flag, with the closest key', () => {
    expect(() => prepareRun({ models: ['sd15', 'sdxl-trubo'], engine: 'fake', demo: false })).toThrow(
      '--models: unknown model "sdxl-trubo" (did you mean "sdxl-turbo"?) (known: sd15, sd21, sd-turbo, sdxl-base, sdxl-turbo, ssd1b, playground25)',
    );
  });

  it('a typo in the config is blamed on the file: model keys and config keys', () => {
    expect(() => parseRunConfig({ models: ['sd-trubo'] }, 'my.json', '.')).toThrow(
      'my.json: models[0].key: unknown model "sd-trubo" (did you mean "sd-turbo"?)',
    );
    expect(() => parseRunConfig({ models: ['sd15'], seedPerPrompt: 2 }, 'my.json', '.')).toThrow(
      'my.json: (top level): Unrecognized key: "seedPerPrompt" ("seedPerPrompt": did you mean "seedsPerPrompt"?)',
    );
    expect(() => parseRunConfig({ models: ['sd15'], prompts: { frist: 2 } }, 'my.json', '.')).toThrow(
      'my.json: prompts: Unrecognized key: "frist" ("frist": did you mean "first"?)',
    );
  });

  it('an unknown category gets the closest one', () => {
    expect(() => selectPrompts(loadPrompts(DEFAULT_PROMPTS_FILE), { categories: ['animal'] }, 'p.json')).toThrow(
      /prompts\.categories: unknown category "animal" \(did you mean "animals"\?\) in p\.json/,
    );
    expect(didYouMean('zzzzzz', ['sd15'])).toBe('');
  });

  it('--per-category N takes the first N prompts of every category', () => {
    const all = loadPrompts(DEFAULT_PROMPTS_FILE);
    const picked = selectPrompts(all, { perCategory: 2 }, 'p.json');
    const categories = [...new Set(all.map((p) => p.category))];
    expect(picked).toHaveLength(2 * categories.length);
    for (const c of categories) expect(picked.filter((p) => p.category === c)).toEqual(all.filter((p) => p.category === c).slice(0, 2));
    const plan = prepareRun({ engine: 'fake', demo: false, models: ['sd15'], perCategory: 1 }).plan;
    expect(plan.prompts.map((p) => p.category)).toEqual(categories);
  });
});

describe('the CLI prints every error as "ppbench: [CODE] message"', () => {
  beforeAll(() => {
    if (!existsSync(cli)) execFileSync('npx', ['tsc', '-p', 'tsconfig.json'], { stdio: 'inherit' });
  });

  it('--version prints the package version', () => {
    const r = ppbench('--version');
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('commander usage errors', () => {
    const r = ppbench('run', '--bogus');
    expect(r.status).toBe(1);
    expect(r.stderr).toBe("ppbench: [ERR_USAGE] unknown option '--bogus' (run with --help for usage)\n");
    expect(ppbench('run', '--seeds', '0').stderr).toMatch(/^ppbench: \[ERR_USAGE\] option '--seeds <n>' argument '0' is invalid\./);
  });

  it('SQLite errors name the database file; a missing database is coded', () => {
    const file = path.join(tempDir(), 'not-a-db.sqlite');
    writeFileSync(file, 'this is not SQLite, just text long enough to be read as a header.......................');
    expect(ppbench('export', '--db', file).stderr).toBe(`ppbench: [ERR_SQLITE] ${file}: file is not a database (SQLITE_NOTADB)\n`);
    expect(ppbench('export', '--db', `${file}.gone`).stderr).toBe(`ppbench: [ERR_NO_DATABASE] export: no results database at ${file}.gone\n`);
  });

  it('Node file errors carry their code and path', async () => {
    const { formatCliError } = await import('../../src/cli/format-cli-error.js');
    const err = Object.assign(new Error("ENOENT: no such file or directory, open '/nowhere/x'"), { code: 'ENOENT', syscall: 'open', path: '/nowhere/x' });
    expect(formatCliError(err)).toEqual({ line: 'ppbench: [ENOENT] no such file or directory (open /nowhere/x)', exitCode: 1 });
  });
});

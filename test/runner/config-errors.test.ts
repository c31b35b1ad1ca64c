import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPrompts } from '../../src/config/prompts.js';
import { executeRun } from '../../src/runner/execute-run.js';
import { tempDir, writePrompts } from './helpers/bench-env.js';

const err = { write: () => true } as unknown as NodeJS.WritableStream;

/** Writes a config, runs `ppbench run` on it, and expects one error and an untouched results dir. */
async function expectRejected(config: unknown, pattern: RegExp, setup: (dir: string) => void = () => undefined): Promise<string> {
  const dir = tempDir();
  setup(dir);
  const file = path.join(dir, 'config.json');
  writeFileSync(file, typeof config === 'string' ? config : JSON.stringify(config));
  const results = path.join(dir, 'results');
  const error = await executeRun({ config: file, resultsDir: results }, { err }).then(
    () => undefined,
    (e: Error) => e,
  );
  expect(error?.message).toMatch(pattern);
  expect(existsSync(results)).toBe(false);
  return error!.message;
}

const base = { engine: 'fake', models: ['sd-turbo'], device: 'cpu', seedsPerPrompt: 1, prompts: { first: 1 } };

describe('invalid input stops the run before anything is written', () => {
  it('a wrong field names the file and the path of the field', async () => {
    const message = await expectRejected({ ...base, models: [{ key: 'sd-turbo', steps: 0 }], seedsPerPrompt: 'four' }, /config\.json: models\[0\]\.steps: .*>=1/);
    expect(message).toMatch(/config\.json: seedsPerPrompt: .*expected number/i);
    await expectRejected({ ...base, calmPause: 5 }, /config\.json: \(top level\): Unrecognized key: "calmPause"/);
    await expectRejected({ ...base, device: 'gpu' }, /device: must be "cpu", "cuda" or "cuda:<index>"/);
    await expectRejected('{ "models": [', /config\.json is not valid JSON/);
  });

  it('an unknown model is named with the known ones', async () => {
    await expectRejected({ ...base, models: ['sd15', 'sdxl-lightning'] }, /models\[1\]\.key: unknown model "sdxl-lightning" \(known: sd15, sd21, sd-turbo, sdxl-base, sdxl-turbo, ssd1b, playground25\)/);
  });

  it('a missing prompt file is named', async () => {
    await expectRejected({ ...base, prompts: { file: 'nowhere/prompts.json' } }, /cannot read prompt file .*nowhere\/prompts\.json: file not found/);
  });

  it('duplicate prompt ids and empty prompt texts name the file and the id', async () => {
    const prompts = [
      { id: 'a1', text: 'a cat', category: 'animals' },
      { id: 'a2', text: 'a dog', category: 'animals' },
      { id: 'a1', text: 'a cow', category: 'animals' },
    ];
    await expectRejected({ ...base, prompts: { file: 'data/prompts.json' } }, /prompts\.json: \[2\]\.id: duplicate prompt id "a1" \(first used at \[0\]\)/, (dir) =>
      writePrompts(path.join(dir, 'data'), prompts),
    );
    expect(() => loadPrompts(writePrompts(tempDir(), { prompts: [{ id: 'e1', text: '  ', category: 'x' }] }))).toThrow(/prompts\.json: prompts\[0\]\.text: must not be empty \(prompt "e1"\)/);
  });

  it('unknown prompt ids or categories in the subset are errors, not a smaller benchmark', async () => {
    await expectRejected({ ...base, prompts: { ids: ['p001', 'p999'] } }, /prompts\.ids: unknown prompt id\(s\) "p999"/);
    await expectRejected({ ...base, prompts: { categories: ['portraits'] } }, /prompts\.categories: unknown category "portraits" .*known: people, animals/);
  });

  it('the native engine on "cuda" without CUDA (this CPU build) is refused before the run starts', async () => {
    await expectRejected({ ...base, engine: 'native', device: 'cuda' }, /device "cuda" but the native addon's libtorch \S+ (is a CPU build|sees no CUDA device).*"device": "cpu"/);
  });

  it('a bad --shard is refused before anything is written', async () => {
    const dir = tempDir();
    mkdirSync(path.join(dir, 'c'));
    writeFileSync(path.join(dir, 'c', 'config.json'), JSON.stringify(base));
    await expect(executeRun({ config: path.join(dir, 'c', 'config.json'), resultsDir: path.join(dir, 'r'), shard: '2/2' }, { err })).rejects.toThrow(/--shard/);
    expect(readdirSync(dir)).toEqual(['c']);
  });
});

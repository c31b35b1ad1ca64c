// Every `ppbench …` command shown in the deployment docs exists with the flags it uses
// (checked against the compiled CLI's --help), and the seed's research/ layout is in place.
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../helpers/shared.js';

const DOCS = ['README.md', 'research/docs/research_runner_docker.md', 'research/k8s/README.md', 'research/models/README.md', 'research/scripts/prefetch_models.sh'];

/** `ppbench report` comes from another branch (#14); until it is here, these are its agreed flags. */
const EXPECTED_REPORT_FLAGS = ['--run', '--latest', '--results-dir', '--out'];

/** The text inside ``` blocks and `inline code` (shell comments of a script count as code too). */
function codeOf(file: string, text: string): string[] {
  if (file.endsWith('.sh')) return text.split('\n').filter((l) => l.startsWith('#'));
  const blocks = [...text.matchAll(/```[a-z]*\n([\s\S]*?)```/g)].map((m) => m[1]!);
  const rest = text.replace(/```[a-z]*\n[\s\S]*?```/g, '');
  return [...blocks.flatMap((b) => b.split('\n')), ...[...rest.matchAll(/`([^`\n]+)`/g)].map((m) => m[1]!)];
}

interface Invocation {
  file: string;
  command: string;
  flags: string[];
}

/** `ppbench <command> --help`, all commands at once (each CLI start costs seconds on a loaded machine). */
async function helpTexts(commands: string[]): Promise<Map<string, string>> {
  const cli = path.join(projectRoot, 'dist', 'cli', 'main.js');
  const texts = await Promise.all(
    commands.map(async (c) => (await promisify(execFile)(process.execPath, [cli, ...c.split(' '), '--help'], { cwd: projectRoot, timeout: 120_000 })).stdout),
  );
  return new Map(commands.map((c, i) => [c, texts[i]!]));
}

function invocations(): Invocation[] {
  const found: Invocation[] = [];
  for (const file of DOCS) {
    for (const code of codeOf(file, readFileSync(path.join(projectRoot, file), 'utf8'))) {
      // `prefetch_models.sh ARGS` is `ppbench prefetch ARGS`.
      const line = code.replace(/prefetch_models\.sh/g, 'ppbench prefetch');
      for (const m of line.matchAll(/\bppbench ([a-z]+)((?: +[^\s`;&|#)]+)*)/g)) {
        let [command, ...args] = [m[1]!, ...m[2]!.trim().split(/\s+/).filter(Boolean)];
        if (command === 'lease' && args[0] === 'exec') command = `lease ${args.shift()}`;
        const end = args.indexOf('--');
        const flags = (end >= 0 ? args.slice(0, end) : args).filter((a) => /^--[a-z]/.test(a)).map((a) => a.split('=')[0]!);
        found.push({ file, command, flags });
      }
    }
  }
  return found;
}

describe('deployment docs', () => {
  it('every ppbench command in the README, the setup note and the k8s README is one the CLI knows, with its flags', async () => {
    const calls = invocations();
    const commands = new Set(calls.map((c) => c.command));
    for (const needed of ['run', 'prefetch', 'merge', 'status', 'serve', 'lease exec', 'export']) expect(commands, needed).toContain(needed);
    const help = await helpTexts([...commands]);
    for (const { file, command, flags } of calls) {
      const h = { stdout: help.get(command)! };
      if (command === 'report' && !h.stdout.startsWith('Usage: ppbench report')) {
        for (const flag of flags) expect(EXPECTED_REPORT_FLAGS, `${file}: report ${flag}`).toContain(flag);
        continue;
      }
      expect(h.stdout, `${file}: ppbench ${command}`).toMatch(new RegExp(`^Usage: ppbench ${command}\\b`));
      for (const flag of flags) expect(h.stdout, `${file}: ppbench ${command} ${flag}`).toContain(flag);
    }
  });

  it("the seed's research/ layout exists; results and local weights stay out of git except their placeholders", () => {
    for (const file of ['research/docs/research_runner_docker.md', 'research/scripts/prefetch_models.sh', 'research/models/README.md', 'research/benchmark_results/.gitkeep', 'research/data/benchmark_prompts_v2.json']) {
      expect(existsSync(path.join(projectRoot, file)), file).toBe(true);
    }
    expect(statSync(path.join(projectRoot, 'research/scripts/prefetch_models.sh')).mode & 0o111).not.toBe(0);
    const ignored = (p: string) => spawnSync('git', ['check-ignore', '-q', '--no-index', p], { cwd: projectRoot }).status === 0;
    expect(ignored('research/models/README.md')).toBe(false);
    expect(ignored('research/benchmark_results/.gitkeep')).toBe(false);
    for (const p of ['research/models/sd15/model_index.json', 'research/models/.demo/sd15', 'research/benchmark_results/ppbench.sqlite', 'research/benchmark_results/run/images/a.png', '.env']) {
      expect(ignored(p), p).toBe(true);
    }
    expect(ignored('.env.example')).toBe(false);
  });

  it('prefetch_models.sh passes its arguments to `ppbench prefetch` from a checkout', () => {
    const r = spawnSync('bash', [path.join(projectRoot, 'research/scripts/prefetch_models.sh'), '--help'], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Usage: ppbench prefetch/);
  });
});

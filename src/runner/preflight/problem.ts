import { CodedError } from '../../errors/coded-error.js';

/** One thing that would make the run fail or waste time, and the command or edit that fixes it. */
export interface PreflightProblem {
  /** What is wrong with: `model "sd15"`, `results folder`, `lease`, `scoring`. */
  subject: string;
  problem: string;
  fix: string;
  /** The generation model it concerns; such problems are what `--skip-missing` may skip. */
  model?: string;
}

/** Every problem preflight found, in one message: nothing was generated. */
export class PreflightError extends CodedError<'ERR_PREFLIGHT'> {
  override readonly name = 'PreflightError';

  constructor(readonly problems: readonly PreflightProblem[]) {
    super('ERR_PREFLIGHT', formatProblems(problems));
  }
}

export function formatProblems(problems: readonly PreflightProblem[]): string {
  const lines = problems.map((p, i) => `  ${i + 1}. ${p.subject}: ${p.problem}\n     fix: ${p.fix}`);
  return `preflight found ${problems.length} problem(s); nothing was generated:\n${lines.join('\n')}`;
}

/** A tokenizer folder that cannot be loaded; the message always starts with the offending file's path. */
export class TokenizerLoadError extends Error {
  readonly code = 'E_TOKENIZER';
  constructor(
    /** Path of the file (or folder) at fault. */
    readonly file: string,
    problem: string,
  ) {
    super(`${file}: ${problem}`);
    this.name = 'TokenizerLoadError';
  }
}

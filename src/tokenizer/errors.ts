import { CodedError } from '../errors/coded-error.js';

/** A tokenizer folder that cannot be loaded; the message always starts with the offending file's path. */
export class TokenizerLoadError extends CodedError<'ERR_TOKENIZER'> {
  override readonly name = 'TokenizerLoadError';
  constructor(
    /** Path of the file (or folder) at fault. */
    readonly file: string,
    problem: string,
  ) {
    super('ERR_TOKENIZER', `${file}: ${problem}`);
  }
}

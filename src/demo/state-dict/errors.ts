/* The error every state-dict enumerator throws for a config it cannot lay out. */
import { CodedError } from '../../errors/coded-error.js';

export class StateDictConfigError extends CodedError<'ERR_DEMO_CONFIG'> {
  override readonly name = 'StateDictConfigError';
  constructor(message: string) {
    super('ERR_DEMO_CONFIG', message);
  }
}

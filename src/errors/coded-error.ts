/**
 * An Error with a stable, machine-readable `code`: callers branch on the code, never on the
 * message (which names the file, key or value for the user). Each layer narrows `Code` to its
 * own list and sets its own `name`.
 */
export class CodedError<Code extends string = string> extends Error {
  constructor(
    readonly code: Code,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

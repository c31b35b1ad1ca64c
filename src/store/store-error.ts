/** Errors about result databases: a schema from another version, an impossible merge. */
export type StoreErrorCode = 'ERR_SCHEMA' | 'ERR_MERGE';

export class StoreError extends Error {
  override readonly name = 'StoreError';
  constructor(
    readonly code: StoreErrorCode,
    message: string,
  ) {
    super(message);
  }
}

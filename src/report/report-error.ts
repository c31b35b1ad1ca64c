import { CodedError } from '../errors/coded-error.js';

/** Why a report or a comparison could not be made; nothing is written when one is thrown. */
export type ReportErrorCode =
  | 'ERR_REPORT_NO_DATABASE'
  | 'ERR_REPORT_UNREADABLE'
  | 'ERR_REPORT_NO_RUNS'
  | 'ERR_REPORT_UNKNOWN_RUN'
  | 'ERR_REPORT_ARGS';

export class ReportError extends CodedError<ReportErrorCode> {
  override readonly name = 'ReportError';
}

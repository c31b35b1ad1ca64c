import { STATUS_CODES } from 'node:http';
import { CodedError } from '../errors/coded-error.js';
import { LeaseError } from '../lease/index.js';
import { AddonLoadError, NativeEngineError, type NativeErrorCode } from '../native/errors.js';

/** Codes the server itself raises (the engine's and the lease's codes pass through as they are). */
export type ServeErrorCode =
  | 'ERR_VALIDATION'
  | 'ERR_UNKNOWN_MODEL'
  | 'ERR_BUSY'
  | 'ERR_SHUTTING_DOWN'
  | 'ERR_CLIENT_CLOSED'
  | 'ERR_NOT_FOUND'
  | 'ERR_SERVE_OPTIONS'
  | 'ERR_LIMIT'
  | 'ERR_INTERNAL';

/** An error with the HTTP status it answers with; `details` go into the JSON body as they are. */
export class ServeError extends CodedError<ServeErrorCode> {
  override readonly name = 'ServeError';
  constructor(
    readonly statusCode: number,
    code: ServeErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(code, message);
  }
}

/** The JSON body of every error answer: `{statusCode, error, code, message, ...details}`. */
export interface ErrorBody {
  statusCode: number;
  error: string;
  code: string;
  message: string;
  [detail: string]: unknown;
}

/**
 * How engine errors answer. ERR_INVALID_ARG is the request's fault (an unknown scheduler, a size
 * the model cannot take); device memory running out is worth retrying later; a model that cannot
 * be loaded or a libtorch failure is the server's.
 */
const NATIVE_STATUS: Record<NativeErrorCode, number> = {
  ERR_INVALID_ARG: 400,
  ERR_CUDA_OOM: 503,
  ERR_CANCELLED: 503,
  ERR_MODEL_LOAD: 500,
  ERR_TORCH: 500,
  ERR_IO: 500,
  ERR_INTERNAL: 500,
};

/** Lease failures: a lease that cannot be taken or kept is a temporary condition of the GPU host. */
const LEASE_STATUS: Record<string, number> = {
  ERR_LEASE_OPTIONS: 500,
};

const body = (statusCode: number, code: string, message: string, details: Record<string, unknown> = {}): ErrorBody => ({
  statusCode,
  error: STATUS_CODES[statusCode] ?? 'Error',
  code,
  message,
  ...details,
});

/**
 * Absolute file paths (POSIX or Windows) in a message: an HTTP client learns nothing from them
 * but the server's layout (issue #19, finding 6). The log keeps the full message.
 */
const ABSOLUTE_PATH = /(?:[A-Za-z]:\\|(?<![\w.~-])\/)[^\s'"`,;:()<>]*/g;

export const withoutPaths = (message: string): string => message.replace(ABSOLUTE_PATH, '<path>');

/** What a client is told of a server-side failure: the code says what; the details are in the log. */
const SERVER_SIDE: Record<string, string> = {
  ERR_MODEL_LOAD: 'the model could not be loaded (details in the server log)',
  ERR_TORCH: 'the engine failed (details in the server log)',
  ERR_IO: 'a server-side file could not be read or written (details in the server log)',
  ERR_INTERNAL: 'internal server error (details in the server log)',
};

/**
 * The body a client gets: as toErrorBody, with absolute paths removed from the message and,
 * for server-side failures, a fixed description instead of the raw message.
 */
export function toClientErrorBody(err: unknown): ErrorBody {
  const full = toErrorBody(err);
  const unexpected = full.statusCode === 500 && !(err instanceof ServeError);
  const fixed = full.statusCode >= 500 ? (SERVER_SIDE[full.code] ?? (unexpected ? SERVER_SIDE.ERR_INTERNAL : undefined)) : undefined;
  return { ...full, message: fixed ?? withoutPaths(full.message) };
}

/** Maps anything a handler throws to a status and a JSON body that names the error code. */
export function toErrorBody(err: unknown): ErrorBody {
  if (err instanceof ServeError) return body(err.statusCode, err.code, err.message, err.details);
  if (err instanceof NativeEngineError) {
    return body(NATIVE_STATUS[err.code] ?? 500, err.code, err.message);
  }
  if (err instanceof AddonLoadError) return body(500, err.code, err.message);
  if (err instanceof LeaseError) return body(LEASE_STATUS[err.code] ?? 503, err.code, err.message);
  const e = err as { statusCode?: unknown; code?: unknown; message?: unknown; name?: unknown } | null;
  const message = typeof e?.message === 'string' ? e.message : String(err);
  const code = typeof e?.code === 'string' && e.code !== '' ? e.code : 'ERR_INTERNAL';
  // Fastify's own errors (body too large, bad JSON, wrong media type) carry their 4xx status.
  if (typeof e?.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 600) return body(e.statusCode, code, message);
  if (e?.name === 'AbortError') return body(503, 'ERR_CANCELLED', message);
  return body(500, code, message);
}

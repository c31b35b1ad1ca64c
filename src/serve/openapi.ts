import swagger from '@fastify/swagger';
import type { FastifyInstance, FastifySchema } from 'fastify';
import { z } from 'zod';
import { generateRequestSchema } from './request.js';

/*
 * GET /openapi.json: the API described from the route schemas (#13). The request body's JSON
 * schema is generated from the zod schema that validates it, so the two cannot drift apart;
 * validation itself stays with zod (field-by-field ERR_VALIDATION answers), not Fastify's Ajv.
 */

export function registerOpenApi(app: FastifyInstance): void {
  void app.register(swagger, {
    openapi: {
      info: {
        title: 'ppbench serve',
        version: '1',
        description:
          'Reference text-to-image backend sharing the GPU lease (LEASE.md) with the benchmark. Errors answer ' +
          'JSON {statusCode, error, code, message, …details}; the code is stable, the message names no server path.',
      },
    },
  });
}

const ERROR_NOTE =
  'Errors: 400 ERR_VALIDATION (issues: [{field, message}]), ERR_UNKNOWN_MODEL, ERR_LIMIT (--max-pixels, ' +
  '--max-steps), ERR_JSON_SYNTAX, ERR_JSON_TOO_DEEP, ERR_INVALID_ARG (from the engine); 413 body too large; ' +
  '415 not JSON; 503 ERR_BUSY (retry-after), ERR_SHUTTING_DOWN, ERR_CUDA_OOM, ERR_LEASE_*; 500 ERR_MODEL_LOAD, ' +
  'ERR_TORCH, ERR_IO, ERR_INTERNAL.';

export function generateRouteSchema(maxPromptLength: number): FastifySchema {
  const { $schema: _dialect, ...body } = z.toJSONSchema(generateRequestSchema(maxPromptLength)) as Record<string, unknown>;
  return {
    summary: 'Generate one image under the backend GPU lease',
    description: `Width and height must be multiples of 8. ${ERROR_NOTE}`,
    body,
    response: {
      200: {
        description: 'The PNG (prompt, seed, steps, … in its text chunks); timings in x-ppbench-* and Server-Timing headers',
        content: { 'image/png': { schema: { type: 'string', format: 'binary' } } },
      },
    },
  };
}

export const healthRouteSchema: FastifySchema = {
  summary: 'Liveness and models: {ok, status, device, dtype, loaded, models, inflight, uptimeMs}; 503 while closing',
};

export const gpuStatusRouteSchema: FastifySchema = {
  summary: 'The GPU lease: {busy, owner, since, format, holders, want, …} (no hosts, pids or paths unless --expose-details)',
};

/** Route-level validator that accepts everything: zod in the handler validates. */
export const acceptAnyBody = (): ((data: unknown) => boolean) => () => true;

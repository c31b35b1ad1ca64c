import type { FastifyInstance, FastifyReply } from 'fastify';
import { ServeError, toClientErrorBody, toErrorBody } from './errors.js';
import { parseBoundedJson } from '../config/bounded-json.js';
import { acceptAnyBody, generateRouteSchema, gpuStatusRouteSchema, healthRouteSchema } from './openapi.js';
import { publicGpuStatus, publicHealth } from './public-views.js';
import type { GeneratedPng, PpbenchServer } from './server-api.js';

export interface RouteOptions {
  closing: () => boolean;
  /** /healthz and /gpu-status with paths, hosts, pids and raw errors. */
  exposeDetails: boolean;
  maxPromptLength: number;
}

/** The HTTP face of the server: POST /generate, GET /gpu-status, GET /healthz, JSON errors. */
export function registerRoutes(
  app: FastifyInstance,
  server: Pick<PpbenchServer, 'generate' | 'health' | 'gpuStatus'>,
  { closing, exposeDetails, maxPromptLength }: RouteOptions,
): void {
  app.setErrorHandler((err, request, reply) => {
    const full = toErrorBody(err);
    if (full.statusCode >= 500 && full.code !== 'ERR_SHUTTING_DOWN' && full.code !== 'ERR_BUSY') {
      request.log.error({ err, code: full.code }, `${request.method} ${request.url} failed: ${full.message}`);
    }
    // The client gets the code and a path-free message; the full one is in the log above.
    const answer = toClientErrorBody(err);
    if (typeof answer.retryAfterS === 'number') void reply.header('retry-after', String(answer.retryAfterS));
    void reply.status(answer.statusCode).send(answer);
  });

  // The API speaks JSON only: a text body answers 415 instead of failing validation.
  app.removeContentTypeParser('text/plain');
  // JSON bodies with a nesting limit: a deep body is a 400 with a code, not a deep object.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, text, done) => {
    try {
      done(null, parseBoundedJson(String(text), 'the request body'));
    } catch (err) {
      done(Object.assign(err as Error, { statusCode: 400 }), undefined);
    }
  });

  // Once closing, every answer ends its connection, so that close() need not wait for kept-alive sockets to time out.
  app.addHook('onSend', async (_request, reply) => {
    if (closing()) void reply.header('connection', 'close');
  });

  app.setNotFoundHandler((request, reply) => {
    const answer = toErrorBody(new ServeError(404, 'ERR_NOT_FOUND', `no route ${request.method} ${request.url}`));
    void reply.status(404).send(answer);
  });

  // 503 while closing, so that a load balancer stops sending work here.
  app.get('/healthz', { schema: healthRouteSchema }, async (_request, reply) => {
    const answer = server.health();
    return reply.status(answer.ok ? 200 : 503).send(exposeDetails ? answer : publicHealth(answer));
  });

  // What the seed promises ({busy, owner, since}) plus holders, wants and the file's format.
  app.get('/gpu-status', { schema: gpuStatusRouteSchema }, async () => {
    const status = await server.gpuStatus();
    return exposeDetails ? status : publicGpuStatus(status);
  });

  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  app.post('/generate', { schema: generateRouteSchema(maxPromptLength), validatorCompiler: acceptAnyBody }, async (request, reply: FastifyReply) => {
    const clientGone = new AbortController();
    reply.raw.once('close', () => {
      if (!reply.raw.writableFinished) {
        clientGone.abort(new ServeError(499, 'ERR_CLIENT_CLOSED', 'the client closed the connection'));
      }
    });
    const r = await server.generate(request.body, { signal: clientGone.signal });
    request.log.info(
      {
        model: r.model,
        seed: r.settings.seed,
        steps: r.settings.steps,
        size: `${r.width}x${r.height}`,
        leaseWaitMs: r.leaseWaitMs,
        overlap: r.overlap,
        loadMs: r.loadMs,
        queueMs: r.queueMs,
        generateMs: r.generateMs,
        totalMs: r.totalMs,
      },
      'generated',
    );
    setTimingHeaders(reply, r);
    return reply.send(r.png);
  });
}

/** Where the time went, as x-ppbench-* headers and a Server-Timing header (browsers show it). */
function setTimingHeaders(reply: FastifyReply, r: GeneratedPng): void {
  const ms = (v: number) => v.toFixed(2);
  void reply
    .type('image/png')
    .header('cache-control', 'no-store')
    .header('x-ppbench-model', r.model)
    .header('x-ppbench-seed', String(r.settings.seed))
    .header('x-ppbench-steps', String(r.settings.steps))
    .header('x-ppbench-lease-wait-ms', ms(r.leaseWaitMs))
    .header('x-ppbench-overlap', String(r.overlap))
    .header('x-ppbench-load-ms', ms(r.loadMs))
    .header('x-ppbench-queue-ms', ms(r.queueMs))
    .header('x-ppbench-generate-ms', ms(r.generateMs))
    .header('x-ppbench-engine-ms', ms(r.engineMs))
    .header('x-ppbench-encode-ms', ms(r.encodeMs))
    .header('x-ppbench-total-ms', ms(r.totalMs))
    .header(
      'server-timing',
      `lease;dur=${ms(r.leaseWaitMs)}, load;dur=${ms(r.loadMs)}, queue;dur=${ms(r.queueMs)}, ` +
        `generate;dur=${ms(r.generateMs)}, encode;dur=${ms(r.encodeMs)}, total;dur=${ms(r.totalMs)}`,
    );
  if (r.truncatedPrompts.length > 0) void reply.header('x-ppbench-prompt-truncated', 'true');
}

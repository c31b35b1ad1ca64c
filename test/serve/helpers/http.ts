/** Small fetch wrappers for the server's three routes (127.0.0.1 only, every call time-bounded). */
export interface Answer {
  status: number;
  headers: Headers;
  bytes: Uint8Array;
  json: () => Record<string, unknown>;
}

export async function request(url: string, init: RequestInit = {}, timeoutMs = 60_000): Promise<Answer> {
  const signal = init.signal ? AbortSignal.any([init.signal, AbortSignal.timeout(timeoutMs)]) : AbortSignal.timeout(timeoutMs);
  const res = await fetch(url, { ...init, signal });
  const bytes = new Uint8Array(await res.arrayBuffer());
  return {
    status: res.status,
    headers: res.headers,
    bytes,
    json: () => JSON.parse(Buffer.from(bytes).toString('utf8')) as Record<string, unknown>,
  };
}

export function postGenerate(base: string, body: unknown, init: RequestInit = {}, timeoutMs?: number): Promise<Answer> {
  return request(
    `${base}/generate`,
    { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body), ...init },
    timeoutMs,
  );
}

export const getJson = async (url: string): Promise<Record<string, unknown>> => (await request(url, {}, 10_000)).json();

/** The timing headers as numbers (NaN when one is missing, so an assertion names it). */
export function timingHeaders(headers: Headers): Record<string, number> {
  const names = ['lease-wait-ms', 'load-ms', 'queue-ms', 'generate-ms', 'engine-ms', 'encode-ms', 'total-ms'];
  return Object.fromEntries(names.map((n) => [n, Number(headers.get(`x-ppbench-${n}`) ?? Number.NaN)]));
}

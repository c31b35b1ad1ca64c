import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { hfHome } from '../registry/hf-cache.js';

export interface HubAccess {
  /** `HF_ENDPOINT`, default https://huggingface.co (a mirror, or a local mock in tests). */
  endpoint: string;
  /** For gated repos: `HF_TOKEN`, the older variable names, or the token `hf auth login` saved. */
  token: string | undefined;
}

export function hubAccess(env: NodeJS.ProcessEnv = process.env): HubAccess {
  const endpoint = (env.HF_ENDPOINT?.trim() || 'https://huggingface.co').replace(/\/+$/, '');
  const fromEnv = [env.HF_TOKEN, env.HUGGING_FACE_HUB_TOKEN, env.HUGGINGFACE_HUB_TOKEN].find((t) => t?.trim());
  return { endpoint, token: fromEnv?.trim() ?? savedToken(env) };
}

function savedToken(env: NodeJS.ProcessEnv): string | undefined {
  const file = env.HF_TOKEN_PATH ?? path.join(hfHome(env), 'token');
  return existsSync(file) ? readFileSync(file, 'utf8').trim() || undefined : undefined;
}

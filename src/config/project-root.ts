import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The checkout's root, found from this module's own location (src/config or dist/config),
 * so defaults such as research/data/… work whatever the current directory is.
 */
export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export const DEFAULT_PROMPTS_FILE = path.join(projectRoot, 'research', 'data', 'benchmark_prompts_v2.json');
export const DEFAULT_CONFIG_FILE = path.join(projectRoot, 'research', 'configs', 'default.json');
/** The demo run (random-weight stand-ins of the seven models on CPU): `--demo`, or `npm run bench` without weights. */
export const DEMO_CONFIG_FILE = path.join(projectRoot, 'research', 'configs', 'demo.json');
/** Local model folders (`research/models/<key>`) win over the Hugging Face cache. */
export const DEFAULT_MODELS_DIR = path.join(projectRoot, 'research', 'models');

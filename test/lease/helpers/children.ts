import path from 'node:path';
import { startProcess, type Proc } from '../../helpers/child-process.js';
import { projectRoot } from '../../helpers/shared.js';

export const fixture = (name: string): string => path.join(projectRoot, 'test', 'lease', 'fixtures', name);

/** Spawns `node <fixture script> <json config>` (test/lease/fixtures). */
export function startChild(script: string, config: unknown): Proc {
  return startProcess([fixture(script), JSON.stringify(config)], process.env);
}

/* Typed readers of config.json keys; each throws StateDictConfigError naming the key at fault. */
import type { JsonObject, JsonValue } from '../json.js';
import { StateDictConfigError } from './errors.js';

export function get(config: JsonObject, key: string): JsonValue | undefined {
  return Object.prototype.hasOwnProperty.call(config, key) ? config[key] : undefined;
}

export function int(config: JsonObject, key: string, fallback?: number): number {
  const v = get(config, key);
  if (v === undefined || v === null) {
    if (fallback !== undefined) return fallback;
    throw new StateDictConfigError(`config key "${key}" is missing`);
  }
  if (typeof v !== 'number' || !Number.isInteger(v)) {
    throw new StateDictConfigError(`config key "${key}" must be an integer, got ${JSON.stringify(v)}`);
  }
  return v;
}

export function optInt(config: JsonObject, key: string): number | null {
  const v = get(config, key);
  return v === undefined || v === null ? null : int(config, key);
}

export function str(config: JsonObject, key: string, fallback: string | null): string | null {
  const v = get(config, key);
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'string') throw new StateDictConfigError(`config key "${key}" must be a string`);
  return v;
}

export function bool(config: JsonObject, key: string, fallback: boolean): boolean {
  const v = get(config, key);
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'boolean') throw new StateDictConfigError(`config key "${key}" must be a boolean`);
  return v;
}

export function strList(config: JsonObject, key: string): string[] {
  const v = get(config, key);
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) {
    throw new StateDictConfigError(`config key "${key}" must be a list of strings`);
  }
  return v as string[];
}

export function intList(config: JsonObject, key: string): number[] {
  const v = get(config, key);
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'number' && Number.isInteger(x))) {
    throw new StateDictConfigError(`config key "${key}" must be a list of integers`);
  }
  return v as number[];
}

/** An int or a per-block list of ints (diffusers broadcasts ints). */
export function perBlock(config: JsonObject, key: string, n: number, fallback: number | null): Array<number | null> {
  const v = get(config, key);
  if (v === undefined || v === null) return Array<number | null>(n).fill(fallback);
  if (typeof v === 'number') return Array<number>(n).fill(v);
  if (Array.isArray(v) && v.length === n && v.every((x) => typeof x === 'number')) return v as number[];
  throw new StateDictConfigError(`config key "${key}" must be an integer or a list of ${n} integers`);
}

/** transformer_layers_per_block entries: an int (broadcast to every layer of the block) or a per-layer list. */
export type LayerDepths = number | number[];

export function depthsPerBlock(value: JsonValue | undefined, n: number, key: string): LayerDepths[] {
  if (value === undefined || value === null) return Array<number>(n).fill(1);
  if (typeof value === 'number') return Array<number>(n).fill(value);
  if (Array.isArray(value) && value.length === n) {
    return value.map((x) => {
      if (typeof x === 'number') return x;
      if (Array.isArray(x) && x.every((y) => typeof y === 'number')) return x as number[];
      throw new StateDictConfigError(`config key "${key}": entries must be integers or lists of integers`);
    });
  }
  throw new StateDictConfigError(`config key "${key}" must be an integer or a list of ${n} entries`);
}

export function depthOf(depths: LayerDepths, layer: number, numLayers: number, what: string): number {
  if (typeof depths === 'number') return depths;
  if (depths.length !== numLayers) throw new StateDictConfigError(`${what}: ${depths.length} transformer depths for ${numLayers} layers`);
  return depths[layer]!;
}

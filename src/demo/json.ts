/** Plain JSON values (what config files hold). */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** A deep copy (configs are plain JSON). */
export function cloneJson<T extends JsonValue>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** JSON text as diffusers/transformers write config files: 2-space indent, trailing newline. */
export function configText(value: JsonValue): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

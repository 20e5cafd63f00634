/**
 * Turns decoded structures into plain JSON: byte arrays become upper-case hex strings, bigints
 * become decimal strings, everything else is kept. Used by `translationToJson` and by anything
 * that logs or serves decoded APDUs.
 */
export type Jsonable = string | number | boolean | null | Jsonable[] | { [key: string]: Jsonable };

export function toJsonable(value: unknown): Jsonable {
  if (value === null || value === undefined) return null;
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('hex').toUpperCase();
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : String(value);
    case 'bigint':
      return value.toString();
    case 'object': {
      if (Array.isArray(value)) return value.map(toJsonable);
      if (value instanceof Date) return value.toISOString();
      if (value instanceof Set) return [...(value as Set<unknown>)].map(toJsonable);
      if (value instanceof Map) return Object.fromEntries([...(value as Map<unknown, unknown>)].map(([k, v]) => [String(k), toJsonable(v)]));
      const out: { [key: string]: Jsonable } = {};
      for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = toJsonable(v);
      return out;
    }
    default:
      // symbols and functions: nothing a decoder produces, but never crash on them
      return typeof value === 'symbol' ? value.toString() : `[${typeof value}]`;
  }
}

import type { CopyValue } from './driver.ts';
import { DbError } from './errors.ts';

/**
 * COPY's text format (PostgreSQL manual, COPY, "Text Format"): one line per row, columns
 * separated by a tab, `\N` for NULL, and a backslash escaping backslash, newline, carriage return
 * and tab inside a value. Both drivers send exactly these bytes, so both write identical rows.
 */

const NEEDS_ESCAPE = /[\\\n\r\t]/;
const ESCAPES = /[\\\n\r\t]/g;
const ESCAPED: Readonly<Record<string, string>> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function escapeText(s: string): string {
  return NEEDS_ESCAPE.test(s) ? s.replace(ESCAPES, (c) => ESCAPED[c] ?? c) : s;
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/** One value in COPY text form (without the column separator). */
export function copyTextValue(v: CopyValue): string {
  if (v === null) return '\\N';
  switch (typeof v) {
    case 'string':
      return escapeText(v);
    case 'number':
      if (Number.isNaN(v)) return 'NaN';
      return String(v);
    case 'bigint':
      return v.toString();
    case 'boolean':
      return v ? 't' : 'f';
    case 'object':
      if (v instanceof Date) {
        if (Number.isNaN(v.getTime())) throw new DbError('INVALID_ARGUMENT', 'COPY value is an invalid Date');
        return v.toISOString();
      }
      // bytea's hex form `\x0a1b`, whose backslash COPY needs doubled.
      if (v instanceof Uint8Array) return `\\\\x${hex(v)}`;
      if (Array.isArray(v)) throw new DbError('INVALID_ARGUMENT', 'COPY values cannot be arrays; pass JSON arrays as JSON.stringify(x)');
      return escapeText(JSON.stringify(v));
    default:
      throw new DbError('INVALID_ARGUMENT', `COPY value of type ${typeof v} has no text form`);
  }
}

/** Target size of one chunk handed to the driver: big enough to amortise the calls, small enough to stream. */
const CHUNK_CHARS = 1 << 16;

/**
 * Encodes `rows` as COPY text in chunks of about 64 KiB. Every row must have `width` values;
 * the whole input is encoded before anything is sent, so a bad value fails before COPY starts.
 */
export function encodeCopyText(rows: Iterable<readonly CopyValue[]>, width: number): { chunks: string[]; rows: number } {
  const chunks: string[] = [];
  let buf = '';
  let n = 0;
  for (const row of rows) {
    if (row.length !== width) {
      throw new DbError('INVALID_ARGUMENT', `COPY row ${n} has ${row.length} values for ${width} columns`);
    }
    let line = '';
    for (let i = 0; i < width; i++) {
      const v = row[i];
      if (v === undefined) throw new DbError('INVALID_ARGUMENT', `COPY row ${n} column ${i} is undefined`);
      line += i === 0 ? copyTextValue(v) : `\t${copyTextValue(v)}`;
    }
    buf += `${line}\n`;
    n++;
    if (buf.length >= CHUNK_CHARS) {
      chunks.push(buf);
      buf = '';
    }
  }
  if (buf !== '') chunks.push(buf);
  return { chunks, rows: n };
}

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

/**
 * Quotes a lower-case SQL identifier. Anything else is refused: the names come from code, never
 * from users, and a strict pattern keeps them out of injection range.
 */
export function quoteIdentifier(name: string): string {
  if (!IDENTIFIER.test(name)) throw new DbError('INVALID_ARGUMENT', `'${name}' is not a lower-case SQL identifier`);
  return `"${name}"`;
}

/** Like {@link quoteIdentifier}, also accepting a `schema.name` pair. */
export function quoteQualifiedName(name: string): string {
  const parts = name.split('.');
  if (parts.length > 2) throw new DbError('INVALID_ARGUMENT', `'${name}' is not a lower-case SQL identifier`);
  return parts.map(quoteIdentifier).join('.');
}

/** `"table" ("a", "b")` for a COPY statement. */
export function copyTarget(table: string, columns: readonly string[]): string {
  if (columns.length === 0) throw new DbError('INVALID_ARGUMENT', 'COPY needs at least one column');
  return `${quoteQualifiedName(table)} (${columns.map(quoteIdentifier).join(', ')})`;
}

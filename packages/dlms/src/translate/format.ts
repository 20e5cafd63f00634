import type { Translation, TranslationLayer } from './translate.ts';
import { DATA_TAG, dataAsDateTime } from '../axdr/index.ts';
import type { CosemDateTime, DlmsData } from '../axdr/index.ts';
import { describeAttribute, describeMethod, interfaceClass } from '../cosem/index.ts';
import type { HdlcAddress, HdlcControl } from '../hdlc/index.ts';
import { describeObis, isObis, obisFromBytes } from '../obis/index.ts';
import { toJsonable } from './to-json.ts';
import type { Jsonable } from './to-json.ts';

/**
 * The JSON form `openams dlms translate --json` prints: `layers` names each layer found
 * (hdlc / wrapper / ciphered / apdu), one field per layer with its details, `plaintextHex` for
 * deciphered input and `apdu` for the innermost APDU.
 */
export function translationToJson(t: Translation): { [key: string]: Jsonable } {
  const out: { [key: string]: Jsonable } = { layers: t.layers.map((l) => l.layer) };
  for (const l of t.layers) {
    switch (l.layer) {
      case 'hdlc':
        out.hdlc = toJsonable({ frames: l.frames, llc: l.llc, parameters: l.parameters });
        break;
      case 'wrapper':
        out.wrapper = toJsonable({ ...l.frame, apdu: undefined });
        break;
      case 'ciphered':
        out.ciphered = toJsonable({
          envelope: l.envelope,
          securityControl: l.securityControl,
          invocationCounter: l.invocationCounter,
          systemTitle: l.systemTitle,
          deciphered: l.deciphered,
        });
        break;
      case 'apdu':
        break;
    }
  }
  if (t.plaintext) out.plaintextHex = toJsonable(t.plaintext);
  if (t.apdu) out.apdu = toJsonable(t.apdu);
  if (t.notes.length) out.notes = [...t.notes];
  return out;
}

/** A readable indented tree of a translation, one layer per heading, with hints a person needs. */
export function formatTranslation(t: Translation): string {
  const lines: string[] = [];
  for (const l of t.layers) lines.push(...formatLayer(l));
  if (t.plaintext) lines.push(`plaintext: ${hex(t.plaintext)}`);
  for (const n of t.notes) lines.push(`note: ${n}`);
  return lines.join('\n') + '\n';
}

function formatLayer(l: TranslationLayer): string[] {
  switch (l.layer) {
    case 'hdlc':
      return [
        `hdlc: ${l.frames.length} frame(s)${l.llc ? `, LLC ${l.llc}` : ''}`,
        ...l.frames.map((f, i) => `  [${i}] ${hdlcAddress(f.source)} → ${hdlcAddress(f.destination)}  ${hdlcControl(f.control)}${f.segmented ? '  segmented' : ''}  info ${f.information.length} B`),
        ...(l.parameters ? tree(l.parameters, 1) : []),
      ];
    case 'wrapper':
      return [`wrapper: version ${l.frame.version}, wPort ${l.frame.source} → ${l.frame.destination}, ${l.frame.apdu.length} B`];
    case 'ciphered':
      return [
        `ciphered: ${l.envelope.type}${l.deciphered ? ' (deciphered)' : ' (not deciphered)'}`,
        ...tree({ envelope: l.envelope, securityControl: l.securityControl, invocationCounter: l.invocationCounter, systemTitle: l.systemTitle }, 1),
      ];
    case 'apdu':
      return [`apdu: ${l.apdu.type}`, ...tree(l.apdu, 1, new Set(['type']))];
  }
}

function hdlcAddress(a: HdlcAddress): string {
  return a.lower === undefined ? `${a.upper}` : `${a.upper}/${a.lower}`;
}

function hdlcControl(c: HdlcControl): string {
  const pf = c.pf ? ' P/F' : '';
  switch (c.type) {
    case 'i':
      return `I N(S)=${c.sendSequence} N(R)=${c.receiveSequence}${pf}`;
    case 'rr':
    case 'rnr':
      return `${c.type.toUpperCase()} N(R)=${c.receiveSequence}${pf}`;
    default:
      return `${c.type.toUpperCase()}${pf}`;
  }
}

function hex(b: Uint8Array): string {
  return toJsonable(b) as string;
}

const DATA_TYPES: ReadonlySet<string> = new Set(Object.keys(DATA_TAG));

function isData(v: object): v is DlmsData {
  return 'type' in v && typeof v.type === 'string' && DATA_TYPES.has(v.type) && ('value' in v || v.type === 'null-data' || v.type === 'dont-care');
}

/** What a value probably means, for a person reading a trace: a date-time or an OBIS code in an octet-string. */
function dataHint(d: DlmsData): string {
  if (d.type !== 'octet-string' && d.type !== 'date-time') return '';
  const dt = dataAsDateTime(d);
  if (dt) return `  (${formatDateTime(dt)})`;
  if (d.type === 'octet-string' && d.value.length === 6) {
    const name = describeObis(obisFromBytes(d.value));
    return `  (as OBIS ${obisFromBytes(d.value)}${name ? `: ${name.name}` : ''})`;
  }
  if (d.type === 'octet-string' && d.value.length > 0 && d.value.every((b) => b >= 0x20 && b < 0x7f)) return `  ("${String.fromCharCode(...d.value)}")`;
  return '';
}

function pad2(n: number | undefined): string {
  return n === undefined ? '**' : String(n).padStart(2, '0');
}

function formatDateTime(dt: CosemDateTime): string {
  const date = `${dt.year ?? '****'}-${typeof dt.month === 'number' ? pad2(dt.month) : (dt.month ?? '**')}-${typeof dt.dayOfMonth === 'number' ? pad2(dt.dayOfMonth) : (dt.dayOfMonth ?? '**')}`;
  const time = `${pad2(dt.hour)}:${pad2(dt.minute)}:${pad2(dt.second)}${dt.hundredths !== undefined ? `.${pad2(dt.hundredths)}` : ''}`;
  const deviation = dt.deviation === undefined ? 'deviation not specified' : `deviation ${dt.deviation}`;
  const status = dt.clockStatus === undefined ? '' : `, status 0x${dt.clockStatus.raw.toString(16).padStart(2, '0').toUpperCase()}${dt.clockStatus.daylightSavingActive ? ' DST' : ''}`;
  return `${date} ${time}, ${deviation}${status}`;
}

function scalar(v: unknown): string {
  if (v instanceof Uint8Array) return hex(v);
  if (typeof v === 'bigint') return v.toString();
  return String(v);
}

/** Names for class, attribute and method ids next to their numbers, from the COSEM class table. */
function idHint(key: string, value: unknown, parent: object): string {
  if (key === 'instanceId' && typeof value === 'string' && isObis(value)) {
    const d = describeObis(value);
    return d ? ` (${d.name})` : '';
  }
  if (typeof value !== 'number') return '';
  const classId = 'classId' in parent && typeof parent.classId === 'number' ? parent.classId : undefined;
  if (key === 'classId') {
    const ic = interfaceClass(value);
    return ic ? ` (${ic.name})` : '';
  }
  if (key === 'attributeId' && classId !== undefined) {
    const a = describeAttribute(classId, value);
    return a ? ` (${a.name})` : '';
  }
  if (key === 'methodId' && classId !== undefined) {
    const m = describeMethod(classId, value);
    return m ? ` (${m.name})` : '';
  }
  return '';
}

function tree(v: unknown, depth: number, skip: ReadonlySet<string> = new Set()): string[] {
  const pad = '  '.repeat(depth);
  if (v === null || v === undefined || typeof v !== 'object' || v instanceof Uint8Array) return [`${pad}${scalar(v)}`];
  const lines: string[] = [];
  const entries: Array<[string, unknown]> = Array.isArray(v) ? v.map((x, i): [string, unknown] => [`[${i}]`, x]) : Object.entries(v).filter(([k, x]) => x !== undefined && !skip.has(k));
  for (const [k, x] of entries) {
    if (x !== null && typeof x === 'object' && !(x instanceof Uint8Array)) {
      if (isData(x)) {
        lines.push(...dataLines(k, x, depth));
        continue;
      }
      const empty = Array.isArray(x) ? x.length === 0 : Object.keys(x).length === 0;
      if (empty) {
        lines.push(`${pad}${k}: ${Array.isArray(x) ? '[]' : '{}'}`);
        continue;
      }
      const t = !Array.isArray(x) && 'type' in x && typeof x.type === 'string' ? ` ${x.type}` : '';
      lines.push(`${pad}${k}:${t}`);
      lines.push(...tree(x, depth + 1, new Set(['type'])));
    } else {
      lines.push(`${pad}${k}: ${scalar(x)}${idHint(k, x, v)}`);
    }
  }
  return lines;
}

/** One COSEM data value: containers as `structure[4]` with their elements below, scalars on one line. */
function dataLines(label: string, d: DlmsData, depth: number): string[] {
  const pad = '  '.repeat(depth);
  switch (d.type) {
    case 'array':
    case 'structure':
    case 'compact-array': {
      const out = [`${pad}${label}: ${d.type}[${d.value.length}]`];
      d.value.forEach((e, i) => out.push(...dataLines(`[${i}]`, e, depth + 1)));
      return out;
    }
    case 'null-data':
    case 'dont-care':
      return [`${pad}${label}: ${d.type}`];
    case 'bit-string':
      return [`${pad}${label}: bit-string(${d.bitLength}) ${hex(d.value)}`];
    default:
      return [`${pad}${label}: ${d.type} ${scalar(d.value)}${dataHint(d)}`];
  }
}

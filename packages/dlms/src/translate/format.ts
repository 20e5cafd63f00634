import type { Translation, TranslationLayer } from './translate.ts';
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

/** A readable indented tree of a translation, one layer per heading. */
export function formatTranslation(t: Translation): string {
  const lines: string[] = [];
  for (const l of t.layers) lines.push(...formatLayer(l));
  if (t.plaintext) lines.push(`plaintext: ${toJsonable(t.plaintext) as string}`);
  for (const n of t.notes) lines.push(`note: ${n}`);
  return lines.join('\n') + '\n';
}

function formatLayer(l: TranslationLayer): string[] {
  switch (l.layer) {
    case 'hdlc':
      return [`hdlc: ${l.frames.length} frame(s)${l.llc ? `, LLC ${l.llc}` : ''}`, ...tree(toJsonable({ frames: l.frames, parameters: l.parameters }), 1)];
    case 'wrapper':
      return ['wrapper:', ...tree(toJsonable({ ...l.frame, apdu: undefined }), 1)];
    case 'ciphered':
      return [
        `ciphered: ${l.envelope.type}${l.deciphered ? ' (deciphered)' : ' (not deciphered)'}`,
        ...tree(toJsonable({ envelope: l.envelope, securityControl: l.securityControl, invocationCounter: l.invocationCounter, systemTitle: l.systemTitle }), 1),
      ];
    case 'apdu':
      return [`apdu: ${l.apdu.type}`, ...tree(toJsonable(l.apdu), 1)];
  }
}

function tree(v: Jsonable, depth: number): string[] {
  const pad = '  '.repeat(depth);
  if (v === null || typeof v !== 'object') return [`${pad}${String(v)}`];
  const lines: string[] = [];
  const entries: Array<[string, Jsonable]> = Array.isArray(v) ? v.map((x, i) => [`[${i}]`, x]) : Object.entries(v);
  for (const [k, x] of entries) {
    if (x !== null && typeof x === 'object' && (Array.isArray(x) ? x.length > 0 : Object.keys(x).length > 0)) {
      // Print a DLMS data node `{type, value}` with a scalar value on one line.
      if (!Array.isArray(x) && typeof x.type === 'string' && 'value' in x && (x.value === null || typeof x.value !== 'object')) {
        lines.push(`${pad}${k}: ${x.type} ${String(x.value)}`);
        continue;
      }
      lines.push(`${pad}${k}:${!Array.isArray(x) && typeof x.type === 'string' ? ` ${x.type}` : ''}`);
      lines.push(...tree(Array.isArray(x) ? x : Object.fromEntries(Object.entries(x).filter(([kk]) => kk !== 'type')), depth + 1));
    } else {
      lines.push(`${pad}${k}: ${Array.isArray(x) ? '[]' : x !== null && typeof x === 'object' ? '{}' : String(x)}`);
    }
  }
  return lines;
}

import type { DlmsData } from '@openams/dlms';
import type { HanVendor } from '../reading/index.ts';
import { integerOf, isLogicalName, textOf } from './builder.ts';

/**
 * Which decoder a push's body is for, from its content alone (the HDLC addresses are not looked
 * at: readers behind Tibber Pulse or an MQTT bridge never see them):
 *
 * | body | vendor |
 * |---|---|
 * | array of `{OBIS, value[, {scaler, unit}]}` structures, list version `AIDON_…` or none | `aidon` (NO lists 1–3, the Swedish 27-item list) |
 * | structure starting with the visible-string `Kamstrup_…` | `kamstrup` |
 * | structure starting with the string `KFM_…`, 9/13/14/18 items | `kaifa` (positional KFM_001) |
 * | structure of (OBIS, value) pairs whose list version `x.x.0.2.129.255` is `KFM_…` | `kaifa` (the Swedish OBIS-coded list) |
 * | structure of one unsigned number | `kaifa` when `hint` says so, else `generic` |
 * | anything else | `generic` |
 *
 * A Kaifa List 1 frame (one number, no id) cannot be told from any other one-value push, so the
 * caller's `hint` (configuration, or the vendor of an earlier List 2/3 of the same stream)
 * decides it; without one it is `generic` (NVE letter 27.06.2016: the one value is P+).
 */
export function detectHanVendor(body: DlmsData, hint?: HanVendor): HanVendor {
  if (body.type === 'array') {
    if (body.value.length > 0 && body.value.every(isObisStructure)) {
      const version = listVersionIn(body.value.map((s) => (s.type === 'structure' ? s.value : [])));
      return version === undefined || version.startsWith('AIDON') ? 'aidon' : 'generic';
    }
    return 'generic';
  }
  if (body.type !== 'structure' || body.value.length === 0) return 'generic';
  const items = body.value;
  const first = textOf(items[0] as DlmsData);
  if (first?.startsWith('Kamstrup')) return 'kamstrup';
  if (first?.startsWith('KFM') && KAIFA_POSITIONAL_COUNTS.has(items.length)) return 'kaifa';
  if (listVersionIn([items])?.startsWith('KFM') && !items.some((d) => d.type === 'structure')) return 'kaifa';
  if (items.length === 1 && hint === 'kaifa') {
    const n = integerOf(items[0] as DlmsData);
    if (n !== undefined) return 'kaifa';
  }
  return 'generic';
}

/** Item counts of the positional KFM_001 lists: 1-phase and 3-phase List 2 and List 3. */
export const KAIFA_POSITIONAL_COUNTS: ReadonlySet<number> = new Set([9, 13, 14, 18]);

/** `{OBIS, value}` or `{OBIS, value, {scaler, unit}}`, the element of Aidon's array. */
export function isObisStructure(d: DlmsData): boolean {
  return d.type === 'structure' && (d.value.length === 2 || d.value.length === 3) && isLogicalName(d.value[0]);
}

/** The text after a list-version logical name (`x.x.0.2.129.255`) in flat (OBIS, value) sequences. */
function listVersionIn(sequences: readonly (readonly DlmsData[])[]): string | undefined {
  for (const seq of sequences) {
    for (let i = 0; i + 1 < seq.length; i++) {
      const ln = seq[i];
      if (isLogicalName(ln) && ln.value[2] === 0 && ln.value[3] === 2 && ln.value[4] === 129) {
        const t = textOf(seq[i + 1] as DlmsData);
        if (t !== undefined) return t;
      }
    }
  }
  return undefined;
}

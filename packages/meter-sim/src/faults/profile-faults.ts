import { cosemDateTimeToDate, decodeCosemDateTime } from '@openams/dlms';
import type { DlmsData, GetDataResult } from '@openams/dlms';
import { LOAD_PROFILE_OBIS } from '../cosem/index.ts';
import type { MeterObjectHandler } from '../cosem/index.ts';
import type { FaultCounter } from './apply.ts';
import type { FaultPlan } from './plan.ts';

const LOAD_PROFILES: ReadonlySet<string> = new Set([LOAD_PROFILE_OBIS[1], LOAD_PROFILE_OBIS[2]]);

/** The capture instant of a profile row whose first selected column is the clock. */
function rowInstant(row: DlmsData): number | undefined {
  if (row.type !== 'structure') return undefined;
  const first = row.value[0];
  if (first?.type !== 'octet-string' || first.value.length !== 12) return undefined;
  try {
    return cosemDateTimeToDate(decodeCosemDateTime(first.value)).getTime();
  } catch {
    return undefined;
  }
}

function corruptRow(row: DlmsData & { type: 'structure' }, plan: FaultPlan, index: number, t: number): DlmsData {
  // The first energy cell (A+ when all columns are read): a bit flipped in the stored value.
  const at = row.value.findIndex((c) => c.type === 'double-long-unsigned');
  if (at < 0) return row;
  const cell = row.value[at] as DlmsData & { type: 'double-long-unsigned' };
  const cells = [...row.value];
  cells[at] = { type: 'double-long-unsigned', value: plan.corruptValue(index, t, cell.value) };
  return { type: 'structure', value: cells };
}

/**
 * The meter's object handler with the "meter" faults of its load profiles (domain.md §1: 10 % of
 * missing values are the meter's own): entries the meter lost (left out of the buffer), entries
 * it stored twice (served twice, as a FIFO with a write glitch does), entries with a corrupted
 * energy value. Which entries is decided per capture instant (`FaultPlan.entryFault`), so every
 * read of a span shows the same faults. Only rows read with their clock column are touched.
 */
export function withProfileFaults(handler: MeterObjectHandler, plan: FaultPlan, index: number, onFault?: FaultCounter): MeterObjectHandler {
  return {
    get(descriptor, access, context): GetDataResult {
      const result = handler.get(descriptor, access, context);
      if (descriptor.classId !== 7 || descriptor.attributeId !== 2 || !LOAD_PROFILES.has(descriptor.instanceId)) return result;
      if (result.type !== 'data' || result.value.type !== 'array') return result;
      const rows: DlmsData[] = [];
      for (const row of result.value.value) {
        const t = rowInstant(row);
        const fault = t === undefined ? undefined : plan.entryFault(index, t);
        if (fault === undefined || t === undefined || row.type !== 'structure') {
          rows.push(row);
          continue;
        }
        onFault?.(`${fault}-entry`);
        if (fault === 'duplicate') rows.push(row, row);
        else if (fault === 'corrupt') rows.push(corruptRow(row, plan, index, t));
      }
      return { type: 'data', value: { type: 'array', value: rows } };
    },
    set: (descriptor, value, access, context) => handler.set(descriptor, value, access, context),
    action: (descriptor, parameters, context) => handler.action(descriptor, parameters, context),
  };
}

import { CONTROL_STATE } from '@openams/dlms';
import type { EnergyRegisters, PowerValues } from './data-source.ts';
import type { CosemMeter } from './model.ts';
import { METER_FLAGS } from './state.ts';
import type { SupplyGap } from './state.ts';

/** Four register values in the order A+, A−, R+, R−. */
export type RegisterTuple = [number, number, number, number];

/** Supply gaps kept one by one; older ones are merged (their energy is still subtracted). */
const MAX_GAPS = 8;

function energyTuple(r: EnergyRegisters): RegisterTuple {
  return [r.activeImportWh, r.activeExportWh, r.reactiveImportVarh, r.reactiveExportVarh];
}

function powerTuple(r: PowerValues): RegisterTuple {
  return [r.activeImportW, r.activeExportW, r.reactiveImportVar, r.reactiveExportVar];
}

function sourceAt(m: CosemMeter, trueMs: number): RegisterTuple {
  return energyTuple(m.env.dataSource.cumulativeRegisters(m.identity, new Date(trueMs)));
}

/** Whether the load is supplied: mains present and the breaker closed (output_state TRUE). */
export function isSupplied(m: CosemMeter): boolean {
  return (m.state.flags & METER_FLAGS.poweredOn) !== 0 && m.state.controlState === CONTROL_STATE.connected;
}

/**
 * Open or close a supply gap after the breaker or the mains changed at `trueMs`: while the load
 * is not supplied the meter registers nothing, so the energy the load model would have drawn is
 * subtracted from every later reading.
 */
export function updateSupply(m: CosemMeter, trueMs: number): void {
  const supplied = isSupplied(m);
  const ledger = m.state.supply;
  const open = ledger?.gaps.at(-1)?.to === undefined ? ledger?.gaps.at(-1) : undefined;
  if (!supplied && open === undefined) {
    const l = (m.state.supply ??= { gaps: [], base: [0, 0, 0, 0], baseUntil: -Infinity });
    l.gaps.push({ from: trueMs, to: undefined, lost: undefined });
  } else if (supplied && open !== undefined && ledger !== undefined) {
    open.to = Math.max(trueMs, open.from);
    open.lost = difference(sourceAt(m, open.to), sourceAt(m, open.from));
    while (ledger.gaps.length > MAX_GAPS) {
      const old = ledger.gaps.shift() as SupplyGap;
      for (let i = 0; i < 4; i++) ledger.base[i] = (ledger.base[i] as number) + ((old.lost as RegisterTuple)[i] as number);
      ledger.baseUntil = old.to as number;
    }
  }
}

function difference(a: RegisterTuple, b: RegisterTuple): RegisterTuple {
  return [a[0] - b[0], a[1] - b[1], a[2] - b[2], a[3] - b[3]];
}

/**
 * The meter's registers A+, A−, R+, R− at the true instant `trueMs`: the load model's cumulative
 * values less the energy of the supply gaps before it. Gaps merged away are subtracted only from
 * readings after the last of them ended (a reading older than that is slightly high: documented).
 */
export function registersAt(m: CosemMeter, trueMs: number): RegisterTuple {
  const r = sourceAt(m, trueMs);
  const ledger = m.state.supply;
  if (ledger === undefined) return r;
  if (trueMs >= ledger.baseUntil) for (let i = 0; i < 4; i++) r[i] = (r[i] as number) - (ledger.base[i] as number);
  for (const gap of ledger.gaps) {
    if (gap.from >= trueMs) continue;
    const lost = gap.to !== undefined && gap.to <= trueMs && gap.lost !== undefined ? gap.lost : difference(sourceAt(m, Math.min(trueMs, gap.to ?? trueMs)), sourceAt(m, gap.from));
    for (let i = 0; i < 4; i++) r[i] = (r[i] as number) - (lost[i] as number);
  }
  return r;
}

/** Instantaneous power A+, A−, R+, R− at `trueMs` as the meter measures it: zero without supply. */
export function powerAt(m: CosemMeter, trueMs: number): RegisterTuple {
  if (!isSupplied(m)) return [0, 0, 0, 0];
  return powerTuple(m.env.dataSource.instantaneous(m.identity, new Date(trueMs)));
}

import { osloParts } from '@openams/core';
import {
  addLlc,
  decodeClockStatus,
  encodeCosemDateTime,
  encodeHdlcFrame,
  encodeXdlmsApdu,
  obisToBytes,
  parseObis,
} from '@openams/dlms';
import type { DataNotification, DlmsData, HdlcAddress, HdlcControl, LongInvokeIdAndPriority } from '@openams/dlms';
import type { MeterIdentity, MeterVendor } from '../identity/index.ts';
import { cumulativeRegisters, instantaneous } from '../load/index.ts';
import type { InstantaneousValues, LoadProfileParams, RegisterValues } from '../load/index.ts';
import { HanOutputError } from './han-output-error.ts';

/**
 * The Norwegian list number (NVE letter of 27.06.2016): 1 = active power import only (every 2 s
 * on Kaifa, 2.5 s on Aidon), 2 = the 10-second list (id, type, P±, Q±, currents, voltages),
 * 3 = the hourly list (+ clock and cumulative energy). Kamstrup calls its 10-second list "list 1"
 * and its hourly list "list 2"; here they are 2 and 3, as `@openams/han` reports them.
 */
export type HanListNumber = 1 | 2 | 3;

/** Options of {@link hanFrames}. */
export interface HanFrameOptions {
  /** The meter's load parameters (default: derived from the identity by `loadProfileParams`). */
  readonly load?: LoadProfileParams;
}

/** Everything a list is made of, computed from the load model. */
export interface HanListContent {
  readonly list: HanListNumber;
  /** When the frame is sent. */
  readonly at: Date;
  readonly values: InstantaneousValues;
  /** List 3 only: the full hour its counters describe, and the counters at that hour. */
  readonly hour?: Date;
  readonly registers?: RegisterValues;
}

// ---------------------------------------------------------------------------------------------
// A-XDR building blocks
// ---------------------------------------------------------------------------------------------

const NULL: DlmsData = { type: 'null-data' };

const lnCache = new Map<string, DlmsData>();
/** A logical name (OBIS code) as its 6-byte octet-string. */
function ln(obis: string): DlmsData {
  let d = lnCache.get(obis);
  if (d === undefined) {
    d = { type: 'octet-string', value: obisToBytes(parseObis(obis)) };
    lnCache.set(obis, d);
  }
  return d;
}

function u32(v: number): DlmsData {
  return { type: 'double-long-unsigned', value: Math.min(0xffff_ffff, Math.max(0, Math.round(v))) };
}

function u16(v: number): DlmsData {
  return { type: 'long-unsigned', value: Math.min(0xffff, Math.max(0, Math.round(v))) };
}

function i16(v: number): DlmsData {
  return { type: 'long', value: Math.min(0x7fff, Math.max(-0x8000, Math.round(v))) };
}

function visible(s: string): DlmsData {
  return { type: 'visible-string', value: s };
}

function octets(s: string): DlmsData {
  return { type: 'octet-string', value: Uint8Array.from(s, (c) => c.charCodeAt(0)) };
}

/** `{scaler integer, unit enum}` (Blue Book IC 3 Register, attribute 3: scaler_unit). */
function scalerUnit(scaler: number, unit: number): DlmsData {
  return { type: 'structure', value: [{ type: 'integer', value: scaler }, { type: 'enum', value: unit }] };
}

/** COSEM units (Blue Book Table 4) the lists use. */
const UNIT = { W: 27, var: 29, Wh: 30, varh: 32, A: 33, V: 35 } as const;

/**
 * The meter clock as a 12-byte COSEM date-time (Blue Book 4.1.6.1) showing Oslo wall time, as
 * all three vendors do (KFM_001 item 15 "Local date and time of Norway"): hundredths not
 * specified (FF), clock status 00 (no DST bit, also in summer). Deviation: Kaifa and Kamstrup
 * send "not specified" (0x8000); Aidon sends 0x0000 and writes Sunday as day 0 (amsreader-firmware
 * #1119, `07E5 0A 1F 00` = 2021-10-31).
 */
export function hanClock(vendor: MeterVendor, instant: Date): Uint8Array {
  const p = osloParts(instant);
  return encodeCosemDateTime({
    year: p.year,
    month: p.month,
    dayOfMonth: p.day,
    dayOfWeek: vendor === 'aidon' && p.weekday === 7 ? 0 : p.weekday,
    hour: p.hour,
    minute: p.minute,
    second: p.second,
    ...(vendor === 'aidon' ? { deviation: 0 } : {}),
    clockStatus: decodeClockStatus(0),
  });
}

// ---------------------------------------------------------------------------------------------
// The lists, one builder per vendor
// ---------------------------------------------------------------------------------------------

/**
 * Aidon (`AIDON_V0001`, Aidon HAN Interface Description v1.1A): an array of self-describing
 * structures `{OBIS, value}` (strings, clock) or `{OBIS, value, {scaler, unit}}` (registers).
 * P and Q `double-long-unsigned` W/var scaler 0; currents `long` (signed) scaler −1 A; voltages
 * `long-unsigned` scaler −1 V; energy scaler **+1** Wh/varh (10 Wh steps). 3-phase 3-wire meters
 * (6525) leave IL2 out (12 / 17 items), 1-phase ones (6515) IL2, IL3, UL2, UL3 (9 / 14 items).
 * List 3 carries the clock object `0-0:1.0.0.255` with the full hour (XX:00:00) and no header
 * date-time.
 */
function aidonBody(meter: MeterIdentity, c: HanListContent): DlmsData {
  const v = c.values;
  const reg = (obis: string, value: DlmsData, scaler: number, unit: number): DlmsData => ({ type: 'structure', value: [ln(obis), value, scalerUnit(scaler, unit)] });
  const pair = (obis: string, value: DlmsData): DlmsData => ({ type: 'structure', value: [ln(obis), value] });
  const pPlus = reg('1-0:1.7.0.255', u32(v.activeImportW), 0, UNIT.W);
  if (c.list === 1) return { type: 'array', value: [pPlus] };
  const amps = (mA: number | undefined) => i16((mA ?? 0) / 100);
  const volts = (dV: number | undefined) => u16(dV ?? 0);
  const items: DlmsData[] = [
    pair('1-1:0.2.129.255', visible('AIDON_V0001')),
    pair('0-0:96.1.0.255', visible(meter.serial)),
    pair('0-0:96.1.7.255', visible(meter.meterType)),
    pPlus,
    reg('1-0:2.7.0.255', u32(v.activeExportW), 0, UNIT.W),
    reg('1-0:3.7.0.255', u32(v.reactiveImportVar), 0, UNIT.var),
    reg('1-0:4.7.0.255', u32(v.reactiveExportVar), 0, UNIT.var),
    reg('1-0:31.7.0.255', amps(v.currentsMilliampere[0]), -1, UNIT.A),
  ];
  if (meter.phases === '3p4w') items.push(reg('1-0:51.7.0.255', amps(v.currentsMilliampere[1]), -1, UNIT.A));
  if (meter.phases !== '1p') items.push(reg('1-0:71.7.0.255', amps(v.currentsMilliampere[2]), -1, UNIT.A));
  items.push(reg('1-0:32.7.0.255', volts(v.voltagesDecivolt[0]), -1, UNIT.V));
  if (meter.phases !== '1p') {
    items.push(reg('1-0:52.7.0.255', volts(v.voltagesDecivolt[1]), -1, UNIT.V));
    items.push(reg('1-0:72.7.0.255', volts(v.voltagesDecivolt[2]), -1, UNIT.V));
  }
  if (c.list === 3 && c.registers && c.hour) {
    const r = c.registers;
    items.push(pair('0-0:1.0.0.255', { type: 'octet-string', value: hanClock('aidon', c.hour) }));
    items.push(reg('1-0:1.8.0.255', u32(Math.floor(r.activeImportWh / 10)), 1, UNIT.Wh));
    items.push(reg('1-0:2.8.0.255', u32(Math.floor(r.activeExportWh / 10)), 1, UNIT.Wh));
    items.push(reg('1-0:3.8.0.255', u32(Math.floor(r.reactiveImportVarh / 10)), 1, UNIT.varh));
    items.push(reg('1-0:4.8.0.255', u32(Math.floor(r.reactiveExportVarh / 10)), 1, UNIT.varh));
  }
  return { type: 'array', value: items };
}

/**
 * Kaifa (`KFM_001`): a structure of bare values whose meaning is their position (no OBIS codes):
 * version, id and type as octet-strings, P±/Q± W/var, currents mA, voltages 0.1 V, energy Wh/varh,
 * all `double-long-unsigned`. 13 / 18 items on 3-phase meters, 9 / 14 on 1-phase (MA105H2E). The
 * IT meter (MA304H3E) measures two line-to-line voltages and sends **U2 = 0**. The clock (List 3)
 * and the header date-time are the send time (XX:00:10 for List 3).
 */
function kaifaBody(meter: MeterIdentity, c: HanListContent): DlmsData {
  const v = c.values;
  if (c.list === 1) return { type: 'structure', value: [u32(v.activeImportW)] };
  const threePhase = meter.phases !== '1p';
  const items: DlmsData[] = [
    octets('KFM_001'),
    octets(meter.serial),
    octets(meter.meterType),
    u32(v.activeImportW),
    u32(v.activeExportW),
    u32(v.reactiveImportVar),
    u32(v.reactiveExportVar),
  ];
  const amps = v.currentsMilliampere;
  const volts = v.voltagesDecivolt;
  if (threePhase) {
    items.push(u32(amps[0] ?? 0), u32(amps[1] ?? 0), u32(amps[2] ?? 0));
    items.push(u32(volts[0] ?? 0), u32(meter.phases === '3p3w' ? 0 : (volts[1] ?? 0)), u32(volts[2] ?? 0));
  } else {
    items.push(u32(amps[0] ?? 0), u32(volts[0] ?? 0));
  }
  if (c.list === 3 && c.registers) {
    const r = c.registers;
    items.push({ type: 'octet-string', value: hanClock('kaifa', c.at) });
    items.push(u32(r.activeImportWh), u32(r.activeExportWh), u32(r.reactiveImportVarh), u32(r.reactiveExportVarh));
  }
  return { type: 'structure', value: items };
}

/**
 * Kamstrup (`Kamstrup_V0001`, HAN-NVE interface description rev 3.1): a structure of the list
 * version (a visible-string without logical name) and flat (OBIS, value) pairs with B = 1:
 * P±/Q± W/var `double-long-unsigned`, currents 0.01 A, voltages whole V `long-unsigned`, energy
 * 10 Wh/varh. 25 elements every 10 s, 35 hourly (XX:00:05, clock `0-1:1.0.0.255`). 1-phase meters
 * keep the counts and send absent IL2, IL3, UL2, UL3 as null pairs `00 00` (amshan real samples;
 * amsreader `Kamstrup-1p.raw`). Whether 3-wire IT meters send all three currents and voltages is
 * not in our sources: they do here.
 */
function kamstrupBody(meter: MeterIdentity, c: HanListContent): DlmsData {
  const v = c.values;
  const onePhase = meter.phases === '1p';
  const amps = (k: number) => u32((v.currentsMilliampere[k] ?? 0) / 10);
  const volts = (k: number) => u16((v.voltagesDecivolt[k] ?? 0) / 10);
  const items: DlmsData[] = [
    visible('Kamstrup_V0001'),
    ln('1-1:0.0.5.255'),
    visible(meter.serial),
    ln('1-1:96.1.1.255'),
    visible(meter.meterType),
    ln('1-1:1.7.0.255'),
    u32(v.activeImportW),
    ln('1-1:2.7.0.255'),
    u32(v.activeExportW),
    ln('1-1:3.7.0.255'),
    u32(v.reactiveImportVar),
    ln('1-1:4.7.0.255'),
    u32(v.reactiveExportVar),
    ln('1-1:31.7.0.255'),
    amps(0),
    ...(onePhase ? [NULL, NULL, NULL, NULL] : [ln('1-1:51.7.0.255'), amps(1), ln('1-1:71.7.0.255'), amps(2)]),
    ln('1-1:32.7.0.255'),
    volts(0),
    ...(onePhase ? [NULL, NULL, NULL, NULL] : [ln('1-1:52.7.0.255'), volts(1), ln('1-1:72.7.0.255'), volts(2)]),
  ];
  if (c.list === 3 && c.registers) {
    const r = c.registers;
    items.push(ln('0-1:1.0.0.255'), { type: 'octet-string', value: hanClock('kamstrup', c.at) });
    items.push(ln('1-1:1.8.0.255'), u32(Math.floor(r.activeImportWh / 10)));
    items.push(ln('1-1:2.8.0.255'), u32(Math.floor(r.activeExportWh / 10)));
    items.push(ln('1-1:3.8.0.255'), u32(Math.floor(r.reactiveImportVarh / 10)));
    items.push(ln('1-1:4.8.0.255'), u32(Math.floor(r.reactiveExportVarh / 10)));
  }
  return { type: 'structure', value: items };
}

// ---------------------------------------------------------------------------------------------
// APDU and frame
// ---------------------------------------------------------------------------------------------

const CONFIRMED: LongInvokeIdAndPriority = { invokeId: 0, selfDescriptive: false, breakOnError: false, confirmed: true, highPriority: false };
const PLAIN: LongInvokeIdAndPriority = { invokeId: 0, selfDescriptive: false, breakOnError: false, confirmed: false, highPriority: false };

/** The data-notification a vendor sends for `content` (Green Book 9.3 DataNotification). */
export function hanNotification(meter: MeterIdentity, content: HanListContent): DataNotification {
  switch (meter.vendor) {
    case 'aidon':
      // `0F 40000000 00`: long-invoke-id with the confirmed bit, no date-time.
      return { type: 'data-notification', longInvokeIdAndPriority: CONFIRMED, body: aidonBody(meter, content) };
    case 'kaifa':
      // `0F 40000000 09 0C …`: the date-time wrapped as a Data octet-string (Kaifa's quirk).
      return { type: 'data-notification', longInvokeIdAndPriority: CONFIRMED, dateTime: hanClock('kaifa', content.at), dateTimeAsData: true, body: kaifaBody(meter, content) };
    case 'kamstrup':
      // `0F 00000000 0C …`: a plain A-XDR octet-string date-time (HAN-NVE rev 3.0 and later).
      return { type: 'data-notification', longInvokeIdAndPriority: PLAIN, dateTime: hanClock('kamstrup', content.at), body: kamstrupBody(meter, content) };
  }
}

/**
 * HDLC addresses and control field each vendor's HAN frames carry (research note han.md §2.1):
 * Aidon `41 / 08 83 / 13` (UI), Kaifa `01 / 02 01 / 10` (I-frame, P/F set), Kamstrup `2B / 21 / 13`.
 */
export const HAN_HDLC: Readonly<Record<MeterVendor, { readonly destination: HdlcAddress; readonly source: HdlcAddress; readonly control: HdlcControl }>> = {
  aidon: { destination: { upper: 0x20, size: 1 }, source: { upper: 0x04, lower: 0x41, size: 2 }, control: { type: 'ui', pf: true } },
  kaifa: { destination: { upper: 0x00, size: 1 }, source: { upper: 0x01, lower: 0x00, size: 2 }, control: { type: 'i', sendSequence: 0, receiveSequence: 0, pf: true } },
  kamstrup: { destination: { upper: 0x15, size: 1 }, source: { upper: 0x10, size: 1 }, control: { type: 'ui', pf: true } },
};

function checkList(meter: MeterIdentity, list: number): asserts list is HanListNumber {
  if (list !== 1 && list !== 2 && list !== 3) throw new HanOutputError('INVALID_LIST', `HAN list ${list} does not exist (1, 2 or 3)`);
  if (list === 1 && meter.vendor === 'kamstrup') throw new HanOutputError('LIST_NOT_SENT', 'Kamstrup meters send no List 1 (NVE exempted them from the 2.5-second list)');
}

/** The full hour at or before `instant` (Oslo's offset is whole hours, so UTC hours are local hours). */
function fullHour(instant: Date): Date {
  return new Date(Math.floor(instant.getTime() / 3_600_000) * 3_600_000);
}

/**
 * What list `list` of `meter` contains when sent at `instant`: instantaneous values at `instant`
 * and, for List 3, the cumulative registers at the full hour (`cumulativeRegisters`).
 */
export function hanListContent(meter: MeterIdentity, instant: Date, list: HanListNumber, options: HanFrameOptions = {}): HanListContent {
  checkList(meter, list);
  const subject = options.load ?? meter;
  const values = instantaneous(subject, instant);
  if (list !== 3) return { list, at: instant, values };
  const hour = fullHour(instant);
  return { list, at: instant, values, hour, registers: cumulativeRegisters(subject, hour) };
}

/**
 * One complete HDLC frame (flags, HCS and FCS included) of `meter`'s list `list` as sent at
 * `instant`, byte-compatible with the vendor's real frames: HDLC frame format type 3 (IEC
 * 62056-46) with the vendor's addresses, LLC `E6 E7 00`, a data-notification in the vendor's
 * layout. Values come from the load model (`instantaneous`; List 3 counters from
 * `cumulativeRegisters` at the full hour). Throws `HanOutputError`: INVALID_LIST, LIST_NOT_SENT
 * (Kamstrup List 1).
 */
export function hanFrames(meter: MeterIdentity, instant: Date, list: HanListNumber, options: HanFrameOptions = {}): Uint8Array {
  const content = hanListContent(meter, instant, list, options);
  const apdu = encodeXdlmsApdu(hanNotification(meter, content));
  const link = HAN_HDLC[meter.vendor];
  return encodeHdlcFrame({ segmented: false, destination: link.destination, source: link.source, control: link.control, information: addLlc(apdu, 'response') });
}

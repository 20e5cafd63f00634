import { CLASS_ID } from '../cosem/index.ts';
import type { Obis, ObisGroups } from './obis.ts';
import { obisGroups } from './obis.ts';
import type { CosemUnit } from './units.ts';
import { unitFromCode } from './units.ts';

/**
 * What an OBIS code names: an English name, the unit its value is in (before the scaler), the
 * interface class the object usually has, and whether the answer came from the table of codes
 * meters use (`registry`) or was derived from the value-group rules of IEC 62056-6-1 (`pattern`).
 */
export interface ObisDescription {
  readonly name: string;
  readonly unit?: CosemUnit;
  /** The class the object has in the meters this table was built from; others may differ (e.g. 3 or 4). */
  readonly classId?: number;
  readonly source: 'registry' | 'pattern';
}

/** A value group in a table entry: one value, or an inclusive range. */
type Group = number | readonly [lo: number, hi: number];

interface Entry {
  readonly groups: readonly [Group, Group, Group, Group, Group, Group];
  readonly name: (g: ObisGroups) => string;
  readonly unit?: CosemUnit;
  readonly classId?: number;
}

// Unit codes (Blue Book Table 4) used below.
const W = 27;
const VA = 28;
const VAR = 29;
const WH = 30;
const VAH = 31;
const VARH = 32;
const AMPERE = 33;
const VOLT = 35;
const HZ = 44;

/**
 * One table entry. `spec` is an OBIS code whose groups may be ranges, e.g. `0-0..64:25.9.0.255`;
 * `name` may use the groups, e.g. for instance numbers.
 */
function at(spec: string, name: string | ((g: ObisGroups) => string), unit?: number, classId?: number): Entry {
  const parts = spec.replace(/\.\./g, '~').split(/[-:.]/);
  if (parts.length !== 6) throw new Error(`registry entry '${spec}' does not have six value groups`);
  const groups = parts.map((p): Group => {
    const [lo = NaN, hi] = p.split('~').map(Number);
    return hi === undefined ? lo : [lo, hi];
  }) as unknown as Entry['groups'];
  const u = unit === undefined ? undefined : unitFromCode(unit);
  return {
    groups,
    name: typeof name === 'string' ? () => name : name,
    ...(u !== undefined ? { unit: u } : {}),
    ...(classId !== undefined ? { classId } : {}),
  };
}

/** `name` for E = 0, `name, instance E` otherwise: for objects the Blue Book numbers by E. */
const instance = (name: string) => (g: ObisGroups) => (g[4] === 0 ? name : `${name}, instance ${g[4]}`);

const { data, register, clock, profileGeneric } = CLASS_ID;

// The Norwegian HAN lists (NEK 399 push lists of Aidon, Kaifa and Kamstrup meters), as
// UtilitechAS/amsreader-firmware (IEC6205675.h), toreamun/amshan (obis_map.py) and
// turbokongen/hass-AMS (const.py) decode them. Kamstrup sends B = 1 (1-1:…, clock 0-1:1.0.0.255),
// Aidon and Kaifa B = 0; B is the measurement channel, so electricity entries accept 0..64.
const HAN_INSTANTANEOUS: readonly (readonly [c: number, name: string, unit?: number])[] = [
  [1, 'Active power import (+P)', W],
  [2, 'Active power export (−P)', W],
  [3, 'Reactive power import (+Q)', VAR],
  [4, 'Reactive power export (−Q)', VAR],
  [13, 'Power factor'],
  [14, 'Supply frequency', HZ],
  [21, 'Active power import (+P) L1', W],
  [22, 'Active power export (−P) L1', W],
  [23, 'Reactive power import (+Q) L1', VAR],
  [24, 'Reactive power export (−Q) L1', VAR],
  [31, 'Current L1', AMPERE],
  [32, 'Voltage L1', VOLT],
  [33, 'Power factor L1'],
  [41, 'Active power import (+P) L2', W],
  [42, 'Active power export (−P) L2', W],
  [43, 'Reactive power import (+Q) L2', VAR],
  [44, 'Reactive power export (−Q) L2', VAR],
  [51, 'Current L2', AMPERE],
  [52, 'Voltage L2', VOLT],
  [53, 'Power factor L2'],
  [61, 'Active power import (+P) L3', W],
  [62, 'Active power export (−P) L3', W],
  [63, 'Reactive power import (+Q) L3', VAR],
  [64, 'Reactive power export (−Q) L3', VAR],
  [71, 'Current L3', AMPERE],
  [72, 'Voltage L3', VOLT],
  [73, 'Power factor L3'],
];

const HAN_ENERGY: readonly (readonly [c: number, name: string, unit: number])[] = [
  [1, 'Active energy import (+A)', WH],
  [2, 'Active energy export (−A)', WH],
  [3, 'Reactive energy import (+R)', VARH],
  [4, 'Reactive energy export (−R)', VARH],
  [21, 'Active energy import (+A) L1', WH],
  [22, 'Active energy export (−A) L1', WH],
  [41, 'Active energy import (+A) L2', WH],
  [42, 'Active energy export (−A) L2', WH],
  [61, 'Active energy import (+A) L3', WH],
  [62, 'Active energy export (−A) L3', WH],
];

// Explicit entries win over ranged ones, and ranged ones are tried in this order, so a specific
// entry (0-0:96.1.7.255 meter type) comes before the general one (0-0:96.1.1..9.255 device ID).
const ENTRIES: readonly Entry[] = [
  // --- HAN list identification (NEK HAN lists; sources above)
  at('1-0..1:0.2.129.255', 'OBIS list version identifier (HAN list, e.g. AIDON_V0001, Kamstrup_V0001)', undefined, data),
  at('0-0:96.1.0.255', 'Meter ID (device ID 1, manufacturing number)', undefined, data),
  at('0-0:96.1.7.255', 'Meter type (device ID 8, as the Aidon and Kaifa HAN lists use it)', undefined, data),
  at('1-1:0.0.5.255', 'Meter ID (electricity ID 6, as the Kamstrup HAN list uses it)', undefined, data),
  at('1-1:96.1.1.255', 'Meter type (as the Kamstrup HAN list uses it)', undefined, data),
  at('0-0..64:1.0.0.255', 'Clock', undefined, clock),

  // --- HAN measurands: instantaneous values (D = 7) and energy registers (D = 8, time integral 1)
  ...HAN_INSTANTANEOUS.map(([c, name, unit]) => at(`1-0..64:${c}.7.0.255`, name, unit, register)),
  ...HAN_ENERGY.map(([c, name, unit]) => at(`1-0..64:${c}.8.0.255`, `${name}, total`, unit, register)),
  ...HAN_ENERGY.filter(([c]) => c <= 4).flatMap(([c, name, unit]) =>
    [1, 2, 3, 4].map((e) => at(`1-0..64:${c}.8.${e}.255`, `${name}, tariff ${e}`, unit, register)),
  ),

  // --- Electricity general-purpose objects (Blue Book 7, electricity, C = 0)
  at('1-0..64:0.0.0..9.255', (g) => `Electricity ID ${g[4] + 1}`, undefined, data),
  at('1-0..64:0.1.0.255', 'Billing period counter'),
  at('1-0..64:0.1.2.255', 'Time stamp of the most recent billing period closed'),
  at('1-0..64:0.2.0.255', 'Active firmware identifier', undefined, data),
  at('1-0..64:0.2.8.255', 'Active firmware signature', undefined, data),
  at('1-0..64:0.6.0.255', 'Nominal voltage', VOLT, register),
  at('1-0..64:0.6.1.255', 'Basic/nominal current', AMPERE, register),
  at('1-0..64:0.6.2.255', 'Nominal frequency', HZ, register),
  at('1-0..64:0.6.3.255', 'Maximum current', AMPERE, register),
  at('1-0..64:0.8.0.255', 'Measurement period 1, for averaging scheme 1'),
  at('1-0..64:0.8.1.255', 'Measurement period 2, for averaging scheme 2'),
  at('1-0..64:0.8.2.255', 'Measurement period 3, for instantaneous value'),
  at('1-0..64:0.8.4.255', 'Recording interval 1, for load profile'),
  at('1-0..64:0.8.5.255', 'Recording interval 2, for load profile'),
  at('1-0..64:0.8.6.255', 'Billing period'),
  at('1-0..64:0.9.1.255', 'Local time'),
  at('1-0..64:0.9.2.255', 'Local date'),

  // --- Profiles (D = 99)
  at('0..1-0..64:99.1.0..127.255', instance('Load profile with recording period 1'), undefined, profileGeneric),
  at('0..1-0..64:99.2.0..127.255', instance('Load profile with recording period 2'), undefined, profileGeneric),
  at('0..1-0..64:99.98.0..127.255', instance('Event log'), undefined, profileGeneric),

  // --- Abstract objects (Blue Book 7, A = 0): access control, communication, time and control
  at('0-0:40.0.0.255', 'Current association', undefined, CLASS_ID.associationLn),
  at('0-0:40.0.1..127.255', instance('Association'), undefined, CLASS_ID.associationLn),
  at('0-0:41.0.0.255', 'SAP assignment', undefined, CLASS_ID.sapAssignment),
  at('0-0:42.0.0.255', 'COSEM logical device name', undefined, data),
  at('0-0:43.0.0..127.255', instance('Security setup'), undefined, CLASS_ID.securitySetup),
  at('0-0..64:43.1.0..127.255', (g) => `Invocation counter (security setup instance ${g[4]})`, undefined, data),
  at('0-0:44.0.0..127.255', instance('Image transfer'), undefined, CLASS_ID.imageTransfer),
  at('0-0..64:2.0.0.255', 'Modem configuration', undefined, CLASS_ID.modemConfiguration),
  at('0-0..64:2.1.0.255', 'Auto connect', undefined, CLASS_ID.autoConnect),
  at('0-0..64:2.2.0.255', 'Auto answer', undefined, CLASS_ID.autoAnswer),
  at('0-0..64:10.0.0.255', 'Global meter reset script table', undefined, CLASS_ID.scriptTable),
  at('0-0..64:10.0.1.255', 'MDI reset / end of billing period script table', undefined, CLASS_ID.scriptTable),
  at('0-0..64:10.0.100.255', 'Tariffication script table', undefined, CLASS_ID.scriptTable),
  at('0-0..64:10.0.101.255', 'Activate test mode script table', undefined, CLASS_ID.scriptTable),
  at('0-0..64:10.0.102.255', 'Activate normal mode script table', undefined, CLASS_ID.scriptTable),
  at('0-0..64:10.0.103.255', 'Set output signals script table', undefined, CLASS_ID.scriptTable),
  at('0-0..64:10.0.104.255', 'Switch optical test output script table', undefined, CLASS_ID.scriptTable),
  at('0-0..64:10.0.105.255', 'Power quality measurement management script table', undefined, CLASS_ID.scriptTable),
  at('0-0..64:10.0.106.255', 'Disconnect control script table', undefined, CLASS_ID.scriptTable),
  at('0-0..64:10.0.107.255', 'Image activation script table', undefined, CLASS_ID.scriptTable),
  at('0-0..64:10.0.125.255', 'Broadcast script table', undefined, CLASS_ID.scriptTable),
  at('0-0..64:11.0.0.255', 'Special days table', undefined, CLASS_ID.specialDaysTable),
  at('0-0..64:12.0.0..127.255', instance('Schedule'), undefined, CLASS_ID.schedule),
  at('0-0..64:13.0.0.255', 'Activity calendar', undefined, CLASS_ID.activityCalendar),
  at('0-0..64:14.0.0..127.255', instance('Register activation'), undefined, CLASS_ID.registerActivation),
  at('0-0..64:15.0.0.255', 'End of billing period single action schedule', undefined, CLASS_ID.singleActionSchedule),
  at('0-0..64:15.0.1.255', 'Disconnect control scheduler', undefined, CLASS_ID.singleActionSchedule),
  at('0-0..64:15.0.2.255', 'Image activation scheduler', undefined, CLASS_ID.singleActionSchedule),
  at('0-0..64:15.0.3.255', 'Output control scheduler', undefined, CLASS_ID.singleActionSchedule),
  at('0-0..64:16.0.0..127.255', instance('Register monitor'), undefined, CLASS_ID.registerMonitor),
  at('0-0..64:17.0.0..127.255', instance('Limiter'), undefined, CLASS_ID.limiter),
  at('0-0..64:20.0.0.255', 'IEC optical port setup', undefined, CLASS_ID.iecLocalPortSetup),
  at('0-0..64:20.0.1.255', 'IEC electrical port setup', undefined, CLASS_ID.iecLocalPortSetup),
  at('0-0..64:21.0.0.255', 'General local port readout', undefined, profileGeneric),
  at('0-0..64:21.0.1.255', 'General display readout', undefined, profileGeneric),
  at('0-0..64:21.0.2.255', 'Alternate display readout', undefined, profileGeneric),
  at('0-0..64:21.0.3.255', 'Service display readout', undefined, profileGeneric),
  at('0-0..64:22.0.0.255', 'IEC HDLC setup', undefined, CLASS_ID.iecHdlcSetup),
  at('0-0..64:23.0.0.255', 'IEC twisted pair setup', undefined, CLASS_ID.iecTwistedPairSetup),
  at('0-0..64:24.0.0.255', 'M-Bus slave port setup', undefined, CLASS_ID.mBusSlavePortSetup),
  at('0-0..64:24.1.0..127.255', instance('M-Bus client'), undefined, CLASS_ID.mBusClient),
  at('0-0..64:25.0.0.255', 'TCP-UDP setup', undefined, CLASS_ID.tcpUdpSetup),
  at('0-0..64:25.1.0.255', 'IPv4 setup', undefined, CLASS_ID.ipv4Setup),
  at('0-0..64:25.2.0.255', 'MAC address setup', undefined, CLASS_ID.macAddressSetup),
  at('0-0..64:25.3.0.255', 'PPP setup', undefined, CLASS_ID.pppSetup),
  at('0-0..64:25.4.0.255', 'GPRS modem setup', undefined, CLASS_ID.gprsModemSetup),
  at('0-0..64:25.5.0.255', 'SMTP setup', undefined, CLASS_ID.smtpSetup),
  // Push setup instances differ in B (0-1:25.9.0.255, 0-2:25.9.0.255 …).
  at('0-0..64:25.9.0.255', (g) => (g[1] === 0 ? 'Push setup' : `Push setup, instance ${g[1]}`), undefined, CLASS_ID.pushSetup),
  at('0-0..64:96.1.0.255', 'Device ID 1, manufacturing number', undefined, data),
  at('0-0..64:96.1.1..9.255', (g) => `Device ID ${g[4] + 1}`, undefined, data),
  at('0-0..64:96.1.10.255', 'Metering point ID', undefined, data),
  at('0-0..64:96.1.255.255', 'Complete device ID'),
  at('0-0..64:96.2.13.255', 'Date of last firmware activation'),
  at('0-0..64:96.3.10.255', 'Disconnect control', undefined, CLASS_ID.disconnectControl),
  at('0-0..64:96.7.0.255', 'Number of power failures in all three phases'),
  at('0-0..64:96.7.1.255', 'Number of power failures in phase L1'),
  at('0-0..64:96.7.2.255', 'Number of power failures in phase L2'),
  at('0-0..64:96.7.3.255', 'Number of power failures in phase L3'),
  at('0-0..64:96.7.21.255', 'Number of power failures in any phase'),
  at('0-0..64:96.7.5.255', 'Number of long power failures in all three phases'),
  at('0-0..64:96.7.6.255', 'Number of long power failures in phase L1'),
  at('0-0..64:96.7.7.255', 'Number of long power failures in phase L2'),
  at('0-0..64:96.7.8.255', 'Number of long power failures in phase L3'),
  at('0-0..64:96.7.9.255', 'Number of long power failures in any phase'),
  at('0-0..64:96.7.19.255', 'Duration of long power failure in any phase'),
  at('0-0..64:96.7.20.255', 'Time threshold for long power failure'),
  at('0-0..64:96.11.0..9.255', (g) => `Event code ${g[4] + 1}`),
  at('0-0..64:96.15.0..9.255', (g) => `Event counter ${g[4] + 1}`),
  at('0-0..64:97.97.0..9.255', (g) => `Error register ${g[4] + 1}`),
  at('0-0..64:97.98.0..9.255', (g) => `Alarm register ${g[4] + 1}`),
  at('0-0..64:97.98.10..19.255', (g) => `Alarm filter ${g[4] - 9}`),
];

const key = (g: readonly number[]) => g.join('.');
const isExact = (e: Entry) => e.groups.every((g) => typeof g === 'number');
const EXACT = new Map<string, Entry>();
/** Ranged entries by C (every entry names C exactly), in table order. */
const RANGED = new Map<number, Entry[]>();
for (const e of ENTRIES) {
  if (isExact(e)) {
    const k = key(e.groups as readonly number[]);
    if (!EXACT.has(k)) EXACT.set(k, e);
  } else {
    const c = e.groups[2] as number;
    RANGED.set(c, [...(RANGED.get(c) ?? []), e]);
  }
}

const inGroup = (g: Group, v: number) => (typeof g === 'number' ? g === v : v >= g[0] && v <= g[1]);

function fromEntry(e: Entry, g: ObisGroups): ObisDescription {
  return {
    name: e.name(g),
    ...(e.unit !== undefined ? { unit: e.unit } : {}),
    ...(e.classId !== undefined ? { classId: e.classId } : {}),
    source: 'registry',
  };
}

// ---------------------------------------------------------------------------------------------
// Names by pattern: electricity (A = 1) quantities by the value-group rules of IEC 62056-6-1 /
// Blue Book 7 (C = quantity and phase, D = processing, E = tariff, F = billing period).

type Kind = 'active' | 'reactive' | 'apparent' | 'current' | 'voltage' | 'powerFactor' | 'frequency';

/** C = 1..20 for the sum over phases (ΣLi); C + 20, + 40, + 60 are the same for L1, L2, L3. */
const QUANTITY: Readonly<Record<number, readonly [power: string, energy: string, kind: Kind]>> = {
  1: ['Active power import (+P)', 'Active energy import (+A)', 'active'],
  2: ['Active power export (−P)', 'Active energy export (−A)', 'active'],
  3: ['Reactive power import (+Q)', 'Reactive energy import (+R)', 'reactive'],
  4: ['Reactive power export (−Q)', 'Reactive energy export (−R)', 'reactive'],
  5: ['Reactive power QI', 'Reactive energy QI', 'reactive'],
  6: ['Reactive power QII', 'Reactive energy QII', 'reactive'],
  7: ['Reactive power QIII', 'Reactive energy QIII', 'reactive'],
  8: ['Reactive power QIV', 'Reactive energy QIV', 'reactive'],
  9: ['Apparent power import (QI+QIV)', 'Apparent energy import (QI+QIV)', 'apparent'],
  10: ['Apparent power export (QII+QIII)', 'Apparent energy export (QII+QIII)', 'apparent'],
  11: ['Current', '', 'current'],
  12: ['Voltage', '', 'voltage'],
  13: ['Power factor', '', 'powerFactor'],
  14: ['Supply frequency', '', 'frequency'],
  15: ['Active power, absolute (|+P| + |−P|)', 'Active energy, absolute (|+A| + |−A|)', 'active'],
  16: ['Active power, net (|+P| − |−P|)', 'Active energy, net (|+A| − |−A|)', 'active'],
  17: ['Active power QI', 'Active energy QI', 'active'],
  18: ['Active power QII', 'Active energy QII', 'active'],
  19: ['Active power QIII', 'Active energy QIII', 'active'],
  20: ['Active power QIV', 'Active energy QIV', 'active'],
};

const POWER_UNIT: Readonly<Record<Kind, number | undefined>> = {
  active: W,
  reactive: VAR,
  apparent: VA,
  current: AMPERE,
  voltage: VOLT,
  powerFactor: undefined,
  frequency: HZ,
};
const ENERGY_UNIT: Readonly<Partial<Record<Kind, number>>> = { active: WH, reactive: VARH, apparent: VAH };

/** D: how the quantity is processed. D = 7 (instantaneous) and 8 (time integral 1) add no words. */
const PROCESSING: Readonly<Record<number, string>> = {
  1: 'cumulative minimum 1',
  2: 'cumulative maximum 1',
  3: 'minimum 1',
  4: 'current average 1',
  5: 'last average 1',
  6: 'maximum 1 (maximum demand)',
  7: '',
  8: '',
  9: 'time integral 2 (since the start of the billing period)',
};

function byPattern(g: ObisGroups): ObisDescription | undefined {
  const [a, b, c, d, e, f] = g;
  if (a !== 1 || b > 64 || c < 1 || c > 80) return undefined;
  const base = ((c - 1) % 20) + 1;
  const phase = c > 20 ? ` L${Math.floor((c - 1) / 20)}` : '';
  const quantity = QUANTITY[base];
  const processing = PROCESSING[d];
  if (!quantity || processing === undefined) return undefined;
  const [powerName, energyName, kind] = quantity;
  const integral = d === 8 || d === 9;
  if (integral && !energyName) return undefined;
  // Tariffs (E = 1..63) split power and energy only; instantaneous values have no tariff and no
  // billing-period history.
  const tariffed = d !== 7 && ENERGY_UNIT[kind] !== undefined;
  if ((!tariffed && e !== 0) || e > 63) return undefined;
  if ((d === 7 && f !== 255) || (f > 99 && f !== 255)) return undefined;
  const parts = [`${integral ? energyName : powerName}${phase}`];
  // "Maximum demand" is the metering term for the maximum of a power, not of a voltage or current.
  if (processing) parts.push(d === 6 && ENERGY_UNIT[kind] === undefined ? 'maximum 1' : processing);
  if (tariffed) parts.push(e === 0 ? 'total' : `tariff ${e}`);
  if (f !== 255) parts.push(`billing period ${f}`);
  const unitCode = integral ? ENERGY_UNIT[kind] : POWER_UNIT[kind];
  const unit = unitCode === undefined ? undefined : unitFromCode(unitCode);
  return { name: parts.join(', '), ...(unit !== undefined ? { unit } : {}), source: 'pattern' };
}

/**
 * A description of what `obis` names, or undefined if neither the table nor the value-group rules
 * know it. The table holds the codes Nordic smart meters and head-ends use (HAN push lists of
 * Aidon, Kaifa and Kamstrup; clock, associations, security setup, image transfer, disconnect
 * control, push setup, profiles, communication setup); other electricity codes (A = 1, C = 1..80,
 * D = 1..9) are named by pattern: `1-0:42.6.2.255` → "Active power export (−P) L2, maximum 1
 * (maximum demand), tariff 2".
 */
export function describeObis(obis: Obis): ObisDescription | undefined {
  const g = obisGroups(obis);
  const exact = EXACT.get(key(g));
  if (exact) return fromEntry(exact, g);
  for (const e of RANGED.get(g[2]) ?? []) {
    if (e.groups.every((grp, i) => inGroup(grp, g[i] ?? -1))) return fromEntry(e, g);
  }
  return byPattern(g);
}

import { parseObis } from '@openams/dlms';
import type { Obis } from '@openams/dlms';
import { meterNow } from './clock.ts';
import { actionResult, ascii, refused, scalerUnit, u32, u8, value } from './data.ts';
import type { CosemObjectDef } from './data.ts';
import { EVENT_LOGS, eventsOf } from './events.ts';
import { trueNow } from './model.ts';
import type { CosemMeter } from './model.ts';
import { ENERGY_OBIS, PERIOD_ENERGY_OBIS, POWER_OBIS } from './obis.ts';
import { currentProfileStatus } from './profile.ts';
import { lastAcceptedIncomingCounter } from './security.ts';
import type { EventLogName } from './state.ts';
import { powerAt, registersAt } from './supply.ts';
import { trueTimeMs } from './time.ts';

/** COSEM unit codes (Blue Book 4.3.2, table of units). */
const UNIT = { W: 27, var: 29, Wh: 30, varh: 32 } as const;


function register(obis: Obis, unit: number, read: (m: CosemMeter) => number): CosemObjectDef {
  return {
    classId: 3,
    version: 0,
    obis,
    attributes: ['read', 'read', 'read'],
    methods: 1,
    get(m, attributeId) {
      if (attributeId === 2) return value(u32(read(m)));
      if (attributeId === 3) return value(scalerUnit(0, unit));
      return refused('object-undefined');
    },
    // reset (method 1): billing registers cannot be reset remotely.
    action: () => actionResult('read-write-denied'),
  };
}

/**
 * Registers (Blue Book "Register (class_id = 3)"): the four energy registers in Wh/varh with
 * scaler 0, the four instantaneous powers in W/var, and, for delta profiles, the energy of the
 * last completed quarter-hour (or whatever capture_period 1-0:99.2.0.255 has).
 */
export function registerObjects(withPeriodEnergy: boolean): CosemObjectDef[] {
  const out: CosemObjectDef[] = [];
  ENERGY_OBIS.forEach((obis, i) => out.push(register(obis, i < 2 ? UNIT.Wh : UNIT.varh, (m) => registersAt(m, trueNow(m))[i] as number)));
  POWER_OBIS.forEach((obis, i) => out.push(register(obis, i < 2 ? UNIT.W : UNIT.var, (m) => powerAt(m, trueNow(m))[i] as number)));
  if (withPeriodEnergy) {
    PERIOD_ENERGY_OBIS.forEach((obis, i) =>
      out.push(
        register(obis, i < 2 ? UNIT.Wh : UNIT.varh, (m) => {
          const p = m.state.profile2PeriodS * 1000;
          const end = Math.floor(meterNow(m) / p) * p;
          const a = registersAt(m, trueTimeMs(m.state, end - p))[i] as number;
          return (registersAt(m, trueTimeMs(m.state, end))[i] as number) - a;
        }),
      ),
    );
  }
  return out;
}

function data(obis: Obis, read: (m: CosemMeter) => ReturnType<typeof ascii>, publicRead?: readonly number[]): CosemObjectDef {
  return {
    classId: 1,
    version: 0,
    obis,
    attributes: ['read', 'read'],
    methods: 0,
    ...(publicRead !== undefined ? { publicRead } : {}),
    get(m, attributeId) {
      return attributeId === 2 ? value(read(m)) : refused('object-undefined');
    },
  };
}

/** FLAG id of the meter: the first three bytes of its system title (Green Book 4.3.4). */
export function flagId(m: CosemMeter): string {
  return String.fromCharCode(...m.identity.systemTitle.subarray(0, 3));
}

/** COSEM logical device name (0-0:42.0.0.255): FLAG id and 13 characters of serial, 16 octets (IDIS). */
export function logicalDeviceName(m: CosemMeter): string {
  return flagId(m) + m.identity.serial.slice(-13).padStart(13, '0');
}

function lastCode(log: EventLogName): (m: CosemMeter) => ReturnType<typeof u8> {
  return (m) => u8(eventsOf(m.state, log).at(-1)?.code ?? 0);
}

/** The invocation counter object (the frame counter a head-end resyncs from over the public client). */
export const INVOCATION_COUNTER_OBIS = parseObis('0-0:43.1.0.255');
/** COSEM logical device name. */
export const LOGICAL_DEVICE_NAME_OBIS = parseObis('0-0:42.0.0.255');

/**
 * Data objects (Blue Book "Data (class_id = 1)"): meter serial (device ID 1), meter type
 * (device ID 2), logical device name, active firmware, the invocation counter, the last code of
 * each event log and the AMR profile status of both load profiles (IDIS 0-0:96.10.1/2.255).
 */
export function dataObjects(): CosemObjectDef[] {
  return [
    data(parseObis('0-0:96.1.0.255'), (m) => ascii(m.identity.serial)),
    data(parseObis('0-0:96.1.1.255'), (m) => ascii(m.identity.meterType)),
    data(LOGICAL_DEVICE_NAME_OBIS, (m) => ascii(logicalDeviceName(m)), [1, 2]),
    data(parseObis('1-0:0.2.0.255'), (m) => ascii(m.state.firmwareVersion)),
    // OSGP reads it over the public client and never lowers its own counter (dlms-hes research §2):
    // the value is the last counter accepted from the head-end, so the next one must be above it.
    data(INVOCATION_COUNTER_OBIS, (m) => u32(lastAcceptedIncomingCounter(m.state.security)), [1, 2]),
    data(EVENT_LOGS.standard.codeObject, lastCode('standard')),
    data(EVENT_LOGS.fraud.codeObject, lastCode('fraud')),
    data(EVENT_LOGS.disconnect.codeObject, lastCode('disconnect')),
    data(parseObis('0-0:96.10.1.255'), (m) => u8(currentProfileStatus(m, 1))),
    data(parseObis('0-0:96.10.2.255'), (m) => u8(currentProfileStatus(m, 2))),
  ];
}

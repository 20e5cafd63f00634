import { PUSH_MESSAGE_TYPE, PUSH_TRANSPORT_SERVICE, parseObis } from '@openams/dlms';
import type { DataAccessResult, Obis } from '@openams/dlms';
import { CLOCK_OBIS } from './clock.ts';
import { actionResult, array, enumeration, i8, logicalName, octets, refused, structure, u16, u8, value } from './data.ts';
import type { CosemObjectDef } from './data.ts';
import { POWER_OBIS } from './obis.ts';
import { LOGICAL_DEVICE_NAME_OBIS } from './registers.ts';
import type { PushSettings } from './state.ts';

/** Push setup for the head-end (IDIS push setup 0-0:25.9.0.255). */
export const HES_PUSH_SETUP_OBIS = parseObis('0-0:25.9.0.255');
/** Push setup of the HAN lists (instance 1 of the push setups; the number is vendor specific). */
export const HAN_PUSH_SETUP_OBIS = parseObis('0-1:25.9.0.255');

type PushObject = readonly [classId: number, obis: Obis, attribute: number];

interface PushDefinition {
  readonly obis: Obis;
  readonly index: 0 | 1;
  readonly objects: readonly PushObject[];
  readonly defaults: PushSettings;
}

const PUSHES: readonly PushDefinition[] = [
  {
    obis: HES_PUSH_SETUP_OBIS,
    index: 0,
    // IDIS: the push setup's own logical name first (which push this is), then who and when.
    objects: [
      [40, HES_PUSH_SETUP_OBIS, 1],
      [1, LOGICAL_DEVICE_NAME_OBIS, 2],
      [8, CLOCK_OBIS, 2],
    ],
    defaults: { transportService: PUSH_TRANSPORT_SERVICE.tcp, destination: new Uint8Array(0), windows: [], randomisationS: 0, retries: 3, repetitionDelayS: 60 },
  },
  {
    obis: HAN_PUSH_SETUP_OBIS,
    index: 1,
    // The HAN port (M-Bus physical layer, HDLC frames, unconfirmed, one way: domain.md §4).
    objects: [[8, CLOCK_OBIS, 2], [1, parseObis('0-0:96.1.0.255'), 2], [1, parseObis('0-0:96.1.1.255'), 2], ...POWER_OBIS.map((o): PushObject => [3, o, 2])],
    defaults: { transportService: PUSH_TRANSPORT_SERVICE.hdlc, destination: new Uint8Array(0), windows: [], randomisationS: 0, retries: 0, repetitionDelayS: 0 },
  },
];

function settings(push: PushSettings[] | undefined, def: PushDefinition): PushSettings {
  return push?.[def.index] ?? def.defaults;
}

function pushObject(def: PushDefinition): CosemObjectDef {
  return {
    classId: 40,
    version: 0,
    obis: def.obis,
    attributes: ['read', 'read', 'read-write', 'read-write', 'read-write', 'read-write', 'read-write'],
    methods: 1,
    get(m, attributeId) {
      const s = settings(m.state.push, def);
      switch (attributeId) {
        case 2:
          return value(array(def.objects.map(([c, o, a]) => structure(u16(c), logicalName(o), i8(a), u16(0)))));
        case 3:
          return value(structure(enumeration(s.transportService), octets(s.destination), enumeration(PUSH_MESSAGE_TYPE.axdrEncodedXdlmsApdu)));
        case 4:
          return value(array(s.windows.map((w) => structure(octets(w.start), octets(w.end)))));
        case 5:
          return value(u16(s.randomisationS));
        case 6:
          return value(u8(s.retries));
        case 7:
          return value(u16(s.repetitionDelayS));
        default:
          return refused('object-undefined');
      }
    },
    set(m, attributeId, data): DataAccessResult {
      const next: PushSettings = { ...settings(m.state.push, def) };
      if (attributeId === 3) {
        if (data.type !== 'structure' || data.value.length !== 3) return 'type-unmatched';
        const [service, destination, message] = data.value;
        if (service?.type !== 'enum' || destination?.type !== 'octet-string' || message?.type !== 'enum') return 'type-unmatched';
        if (message.value !== PUSH_MESSAGE_TYPE.axdrEncodedXdlmsApdu) return 'other-reason';
        next.transportService = service.value;
        next.destination = destination.value.slice();
      } else if (attributeId === 4) {
        if (data.type !== 'array') return 'type-unmatched';
        const windows: PushSettings['windows'] = [];
        for (const w of data.value) {
          const [start, end] = w.type === 'structure' ? w.value : [];
          if (start?.type !== 'octet-string' || end?.type !== 'octet-string' || start.value.length !== 12 || end.value.length !== 12) return 'type-unmatched';
          windows.push({ start: start.value.slice(), end: end.value.slice() });
        }
        next.windows = windows;
      } else if (attributeId === 5 || attributeId === 7) {
        if (data.type !== 'long-unsigned') return 'type-unmatched';
        if (attributeId === 5) next.randomisationS = data.value;
        else next.repetitionDelayS = data.value;
      } else if (attributeId === 6) {
        if (data.type !== 'unsigned') return 'type-unmatched';
        next.retries = data.value;
      } else return 'read-write-denied';
      const all = (m.state.push ??= PUSHES.map((p) => p.defaults));
      all[def.index] = next;
      return 'success';
    },
    action(m) {
      m.env.onPush?.(m, def.obis);
      return actionResult('success');
    },
  };
}

/**
 * Push setup (Blue Book "Push setup (class_id = 40, version = 0)") for the head-end and for the
 * HAN lists: the objects and attributes; the fleet does the sending when told through
 * `MeterEnvironment.onPush` (method 1, push) or by its own schedule. push_object_list is fixed;
 * destination, communication windows, randomisation, retries and delay are writable.
 */
export function pushSetupObjects(): CosemObjectDef[] {
  return PUSHES.map(pushObject);
}

import type { DottedObis, HanVendor } from '../reading/index.ts';
import { parseDottedObis } from './format.ts';

/**
 * Home Assistant MQTT discovery for HAN meters: one HA device per meter and one `sensor` per
 * value, announced with retained config messages on
 * `<discovery prefix>/sensor/<unique_id>/config` (HA docs, "MQTT Discovery": topic format
 * `<discovery_prefix>/<component>/[<node_id>/]<object_id>/config`; object id from
 * `[a-zA-Z0-9_-]`). Energy counters carry `device_class: energy`,
 * `state_class: total_increasing` and kWh, power `measurement`: what the Energy dashboard needs
 * (amsreader #159; hass-AMS PR #114).
 */

/** The HA sensor device classes used here (HA `SensorDeviceClass`). */
export type HaDeviceClass = 'power' | 'reactive_power' | 'current' | 'voltage' | 'energy' | 'power_factor' | 'frequency' | 'timestamp';

/** HA state classes (developers.home-assistant.io, "Sensor entity"). */
export type HaStateClass = 'measurement' | 'total' | 'total_increasing';

/** The availability entry every sensor carries: the reader's status topic. */
export interface HaAvailability {
  readonly topic: string;
  readonly value_template: string;
  readonly payload_available: string;
  readonly payload_not_available: string;
}

/** The device block: one HA device per meter. */
export interface HaDevice {
  readonly identifiers: readonly string[];
  readonly name: string;
  readonly manufacturer: string;
  readonly model?: string;
}

/** A discovery config for an MQTT sensor (keys as HA documents them, full names, no abbreviations). */
export interface HaSensorConfig {
  readonly name: string;
  readonly unique_id: string;
  readonly state_topic: string;
  readonly value_template: string;
  readonly unit_of_measurement?: string;
  readonly device_class?: HaDeviceClass;
  readonly state_class?: HaStateClass;
  readonly entity_category?: 'diagnostic';
  readonly icon?: string;
  readonly availability: readonly HaAvailability[];
  readonly device: HaDevice;
}

/** One announced sensor: where its config goes and what it says. */
export interface HaDiscoveryMessage {
  readonly topic: string;
  readonly config: HaSensorConfig;
}

/** Topic names shared by the publisher and the discovery configs. */
export interface HanTopics {
  /** Our topic prefix, e.g. `openams/han`. */
  readonly prefix: string;
  /** HA's discovery prefix, `homeassistant` unless the user changed it in HA. */
  readonly discoveryPrefix: string;
}

/** `<prefix>/status`: online/offline (last will) and reader diagnostics, JSON. */
export function statusTopic(t: Pick<HanTopics, 'prefix'>): string {
  return `${t.prefix}/status`;
}

/** `<prefix>/<meterId>/state`: the meter's latest values, JSON. */
export function stateTopic(t: Pick<HanTopics, 'prefix'>, meterId: string): string {
  return `${t.prefix}/${topicLevel(meterId)}/state`;
}

/** `<prefix>/<meterId>/hourly`: hourly energy (current hour so far, projection, last complete hour), JSON. */
export function hourlyTopic(t: Pick<HanTopics, 'prefix'>, meterId: string): string {
  return `${t.prefix}/${topicLevel(meterId)}/hourly`;
}

/** `<prefix>/<meterId>/tariff`: the month's capacity-tariff basis and step, JSON. */
export function tariffTopic(t: Pick<HanTopics, 'prefix'>, meterId: string): string {
  return `${t.prefix}/${topicLevel(meterId)}/tariff`;
}

/** `<prefix>/<meterId>/obis/<A.B.C.D.E.F>`: one value, plain text (the optional per-value topics). */
export function valueTopic(t: Pick<HanTopics, 'prefix'>, meterId: string, obis: DottedObis | string): string {
  return `${t.prefix}/${topicLevel(meterId)}/obis/${obis}`;
}

/**
 * A meter id as one topic level: MQTT forbids `+`, `#` and `/` inside a level (MQTT 5 §4.7);
 * meter ids are digits in practice, but a generic push may carry anything.
 */
export function topicLevel(id: string): string {
  const clean = id.replace(/[^A-Za-z0-9_.-]/g, '_');
  return clean === '' ? '_' : clean;
}

/** A string as an HA object id (`[a-zA-Z0-9_-]`). */
export function objectId(text: string): string {
  return text.replace(/[^A-Za-z0-9_-]/g, '_');
}

const MANUFACTURER: Readonly<Record<HanVendor, string>> = {
  aidon: 'Aidon',
  kaifa: 'Kaifa',
  kamstrup: 'Kamstrup',
  generic: 'Unknown',
};

/** What we know about a meter for its HA device. */
export interface HanMeterInfo {
  readonly meterId: string;
  readonly vendor: HanVendor;
  readonly meterType?: string;
}

/** The HA device block of a meter: identifiers, manufacturer from the vendor, model = meter type. */
export function haDevice(meter: HanMeterInfo): HaDevice {
  const manufacturer = MANUFACTURER[meter.vendor];
  return {
    identifiers: [`openams_han_${objectId(meter.meterId)}`],
    name: `${meter.vendor === 'generic' ? 'Meter' : manufacturer} ${meter.meterId}`,
    manufacturer,
    ...(meter.meterType ? { model: meter.meterType } : {}),
  };
}

/** The availability entry: the status topic is JSON, so a template picks its `state`. */
export function haAvailability(t: Pick<HanTopics, 'prefix'>): HaAvailability {
  return {
    topic: statusTopic(t),
    value_template: '{{ value_json.state }}',
    payload_available: 'online',
    payload_not_available: 'offline',
  };
}

/** One sensor a meter value maps to. */
export interface HanSensorSpec {
  /** Suffix of the unique id, e.g. `power_import`. */
  readonly key: string;
  readonly name: string;
  /** OBIS value groups C, D, E (A = 1, any B: Kamstrup sends B = 1). */
  readonly cde: readonly [number, number, number];
  readonly deviceClass?: HaDeviceClass;
  readonly stateClass: HaStateClass;
  /** HA unit; energy is published in Wh and shown in kWh. */
  readonly unit?: string;
  /** Multiply the published SI value by this (1/1000 for Wh → kWh). */
  readonly scale: number;
  readonly decimals: number;
}

const W = { deviceClass: 'power', stateClass: 'measurement', unit: 'W', scale: 1, decimals: 0 } as const;
const VAR = { deviceClass: 'reactive_power', stateClass: 'measurement', unit: 'var', scale: 1, decimals: 0 } as const;
const A = { deviceClass: 'current', stateClass: 'measurement', unit: 'A', scale: 1, decimals: 3 } as const;
const V = { deviceClass: 'voltage', stateClass: 'measurement', unit: 'V', scale: 1, decimals: 1 } as const;
const PF = { deviceClass: 'power_factor', stateClass: 'measurement', scale: 1, decimals: 3 } as const;
const KWH = { deviceClass: 'energy', stateClass: 'total_increasing', unit: 'kWh', scale: 1 / 1000, decimals: 3 } as const;
// HA had no reactive-energy device class until recently; without one any unit is accepted.
const KVARH = { stateClass: 'total_increasing', unit: 'kvarh', scale: 1 / 1000, decimals: 3 } as const;

/**
 * The meter values that become HA sensors (NVE lists 2 and 3, plus the per-phase and power-factor
 * objects of Swedish/Danish lists). Values not listed stay in the state JSON.
 */
export const HAN_SENSORS: readonly HanSensorSpec[] = [
  { key: 'power_import', name: 'Power import', cde: [1, 7, 0], ...W },
  { key: 'power_export', name: 'Power export', cde: [2, 7, 0], ...W },
  { key: 'reactive_power_import', name: 'Reactive power import', cde: [3, 7, 0], ...VAR },
  { key: 'reactive_power_export', name: 'Reactive power export', cde: [4, 7, 0], ...VAR },
  { key: 'power_import_l1', name: 'Power import L1', cde: [21, 7, 0], ...W },
  { key: 'power_export_l1', name: 'Power export L1', cde: [22, 7, 0], ...W },
  { key: 'power_import_l2', name: 'Power import L2', cde: [41, 7, 0], ...W },
  { key: 'power_export_l2', name: 'Power export L2', cde: [42, 7, 0], ...W },
  { key: 'power_import_l3', name: 'Power import L3', cde: [61, 7, 0], ...W },
  { key: 'power_export_l3', name: 'Power export L3', cde: [62, 7, 0], ...W },
  { key: 'current_l1', name: 'Current L1', cde: [31, 7, 0], ...A },
  { key: 'current_l2', name: 'Current L2', cde: [51, 7, 0], ...A },
  { key: 'current_l3', name: 'Current L3', cde: [71, 7, 0], ...A },
  { key: 'voltage_l1', name: 'Voltage L1', cde: [32, 7, 0], ...V },
  { key: 'voltage_l2', name: 'Voltage L2', cde: [52, 7, 0], ...V },
  { key: 'voltage_l3', name: 'Voltage L3', cde: [72, 7, 0], ...V },
  { key: 'power_factor', name: 'Power factor', cde: [13, 7, 0], ...PF },
  { key: 'power_factor_l1', name: 'Power factor L1', cde: [33, 7, 0], ...PF },
  { key: 'power_factor_l2', name: 'Power factor L2', cde: [53, 7, 0], ...PF },
  { key: 'power_factor_l3', name: 'Power factor L3', cde: [73, 7, 0], ...PF },
  { key: 'frequency', name: 'Frequency', cde: [14, 7, 0], deviceClass: 'frequency', stateClass: 'measurement', unit: 'Hz', scale: 1, decimals: 2 },
  { key: 'energy_import', name: 'Energy import', cde: [1, 8, 0], ...KWH },
  { key: 'energy_export', name: 'Energy export', cde: [2, 8, 0], ...KWH },
  { key: 'reactive_energy_import', name: 'Reactive energy import', cde: [3, 8, 0], ...KVARH },
  { key: 'reactive_energy_export', name: 'Reactive energy export', cde: [4, 8, 0], ...KVARH },
];

/** The sensor spec a dotted OBIS key maps to, if any. */
export function sensorFor(obis: string): HanSensorSpec | undefined {
  const o = parseDottedObis(obis);
  if (!o || o[0] !== 1) return undefined;
  return HAN_SENSORS.find((s) => s.cde[0] === o[2] && s.cde[1] === o[3] && s.cde[2] === o[4]);
}

function scaledTemplate(path: string, scale: number, decimals: number): string {
  const v = scale === 1 ? path : `${path} * ${scale}`;
  return `{{ (${v}) | round(${decimals}) }}`;
}

function config(
  t: HanTopics,
  meter: HanMeterInfo,
  key: string,
  fields: Omit<HaSensorConfig, 'unique_id' | 'availability' | 'device'>,
): HaDiscoveryMessage {
  const unique = `openams_han_${objectId(meter.meterId)}_${key}`;
  return {
    topic: `${t.discoveryPrefix}/sensor/${unique}/config`,
    config: { ...fields, unique_id: unique, availability: [haAvailability(t)], device: haDevice(meter) },
  };
}

/**
 * The discovery message for one meter value (`obis` as the meter sent it, so Kamstrup's
 * `1.1.1.7.0.255` and Aidon's `1.0.1.7.0.255` each point at their own key), or `undefined` if
 * the value is not one of {@link HAN_SENSORS}. The template reads the state topic's JSON
 * (`{"obis": {"1.0.1.8.0.255": {"value": 10494991, "unit": "Wh"}}}`) and converts Wh to kWh.
 */
export function obisDiscovery(t: HanTopics, meter: HanMeterInfo, obis: DottedObis | string): HaDiscoveryMessage | undefined {
  const spec = sensorFor(obis);
  if (!spec) return undefined;
  return config(t, meter, spec.key, {
    name: spec.name,
    state_topic: stateTopic(t, meter.meterId),
    value_template: scaledTemplate(`value_json.obis['${obis}'].value`, spec.scale, spec.decimals),
    ...(spec.unit ? { unit_of_measurement: spec.unit } : {}),
    ...(spec.deviceClass ? { device_class: spec.deviceClass } : {}),
    state_class: spec.stateClass,
  });
}

/**
 * Discovery for the hourly topic: energy used so far in the current hour (resets every hour,
 * hence `total_increasing`) and the projection for the whole hour.
 */
export function hourlyDiscovery(t: HanTopics, meter: HanMeterInfo): HaDiscoveryMessage[] {
  const topic = hourlyTopic(t, meter.meterId);
  return [
    config(t, meter, 'current_hour_energy', {
      name: 'Energy this hour',
      state_topic: topic,
      value_template: '{{ (value_json.energyWh / 1000) | round(3) }}',
      unit_of_measurement: 'kWh',
      device_class: 'energy',
      state_class: 'total_increasing',
    }),
    config(t, meter, 'current_hour_projection', {
      name: 'Projected energy this hour',
      state_topic: topic,
      // `None` makes the sensor unknown while there is no projection yet.
      value_template: '{{ none if value_json.projectedWh is none else (value_json.projectedWh / 1000) | round(3) }}',
      unit_of_measurement: 'kWh',
      state_class: 'measurement',
      icon: 'mdi:chart-timeline-variant',
    }),
  ];
}

/** Discovery for the capacity-tariff topic: the step (1-based) and the month's basis in kW. */
export function tariffDiscovery(t: HanTopics, meter: HanMeterInfo): HaDiscoveryMessage[] {
  const topic = tariffTopic(t, meter.meterId);
  return [
    config(t, meter, 'capacity_tariff_step', {
      name: 'Capacity tariff step',
      state_topic: topic,
      value_template: '{{ value_json.step }}',
      state_class: 'measurement',
      icon: 'mdi:stairs',
    }),
    config(t, meter, 'capacity_tariff_basis', {
      name: 'Capacity tariff basis',
      state_topic: topic,
      value_template: '{{ (value_json.basisWh / 1000) | round(3) }}',
      unit_of_measurement: 'kW',
      device_class: 'power',
      state_class: 'measurement',
    }),
  ];
}

/** Diagnostics from the status topic, attached to each meter's device. */
export function statusDiscovery(t: HanTopics, meter: HanMeterInfo): HaDiscoveryMessage[] {
  const topic = statusTopic(t);
  const diag = { state_topic: topic, entity_category: 'diagnostic' } as const;
  return [
    config(t, meter, 'frames', { ...diag, name: 'HAN frames', value_template: '{{ value_json.frames }}', state_class: 'total_increasing', icon: 'mdi:counter' }),
    config(t, meter, 'checksum_errors', {
      ...diag,
      name: 'HAN checksum errors',
      value_template: '{{ value_json.checksumErrors }}',
      state_class: 'total_increasing',
      icon: 'mdi:alert-circle-outline',
    }),
    config(t, meter, 'last_seen', { ...diag, name: 'HAN last seen', value_template: '{{ value_json.lastSeen }}', device_class: 'timestamp' }),
  ];
}

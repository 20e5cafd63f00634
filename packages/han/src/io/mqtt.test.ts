import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { connect } from 'mqtt';
import type { IClientOptions, MqttClient } from 'mqtt';
import { KAIFA_READINGS, reading } from '../../test/fixtures/io/fake-reader.ts';
import type { Broker, Collector } from '../../test/fixtures/io/services.ts';
import { collect, mosquittoMissing, startBroker, waitFor } from '../../test/fixtures/io/services.ts';
import type { HaSensorConfig } from './ha-discovery.ts';
import { haDevice, hourlyDiscovery, obisDiscovery, sensorFor, stateTopic, statusDiscovery, tariffDiscovery, topicLevel } from './ha-discovery.ts';
import type { HanHourlyMessage, HanStateMessage, HanStatusMessage, HanTariffMessage } from './mqtt.ts';
import { HanMqttPublisher, maskUrl } from './mqtt.ts';

const T = { prefix: 'openams/han', discoveryPrefix: 'homeassistant' };
const KAIFA = { meterId: '6970631404129954', vendor: 'kaifa' as const, meterType: 'MA304H3E' };

test('discovery: energy counters are kWh, device_class energy, total_increasing, converted from Wh', () => {
  const d = obisDiscovery(T, KAIFA, '1.0.1.8.0.255');
  assert.ok(d);
  assert.equal(d.topic, 'homeassistant/sensor/openams_han_6970631404129954_energy_import/config');
  assert.deepEqual(d.config, {
    name: 'Energy import',
    unique_id: 'openams_han_6970631404129954_energy_import',
    state_topic: 'openams/han/6970631404129954/state',
    value_template: "{{ (value_json.obis['1.0.1.8.0.255'].value * 0.001) | round(3) }}",
    unit_of_measurement: 'kWh',
    device_class: 'energy',
    state_class: 'total_increasing',
    availability: [{ topic: 'openams/han/status', value_template: '{{ value_json.state }}', payload_available: 'online', payload_not_available: 'offline' }],
    device: { identifiers: ['openams_han_6970631404129954'], name: 'Kaifa 6970631404129954', manufacturer: 'Kaifa', model: 'MA304H3E' },
  } satisfies HaSensorConfig);
});

test('discovery: power is a W measurement, reactive power var, currents A, voltages V; Kamstrup B=1 keys map too', () => {
  const p = obisDiscovery(T, KAIFA, '1.0.1.7.0.255')?.config;
  assert.equal(p?.device_class, 'power');
  assert.equal(p?.state_class, 'measurement');
  assert.equal(p?.unit_of_measurement, 'W');
  assert.equal(p?.value_template, "{{ (value_json.obis['1.0.1.7.0.255'].value) | round(0) }}");
  assert.equal(obisDiscovery(T, KAIFA, '1.0.4.7.0.255')?.config.device_class, 'reactive_power');
  assert.equal(obisDiscovery(T, KAIFA, '1.0.4.7.0.255')?.config.unit_of_measurement, 'var');
  assert.equal(obisDiscovery(T, KAIFA, '1.0.51.7.0.255')?.config.unit_of_measurement, 'A');
  assert.equal(obisDiscovery(T, KAIFA, '1.0.72.7.0.255')?.config.name, 'Voltage L3');
  const kam = obisDiscovery(T, { meterId: '5706567274389702', vendor: 'kamstrup', meterType: '6841121BN243101040' }, '1.1.1.7.0.255');
  assert.equal(kam?.config.value_template, "{{ (value_json.obis['1.1.1.7.0.255'].value) | round(0) }}");
  assert.equal(kam?.config.device.manufacturer, 'Kamstrup');
  const r = obisDiscovery(T, KAIFA, '1.0.3.8.0.255')?.config;
  assert.equal(r?.unit_of_measurement, 'kvarh');
  assert.equal(r?.state_class, 'total_increasing');
  assert.equal(r?.device_class, undefined);
  // Text objects and unknown codes get no sensor (they stay in the state JSON).
  assert.equal(sensorFor('0.0.96.1.0.255'), undefined);
  assert.equal(sensorFor('1.0.99.7.0.255'), undefined);
  assert.equal(sensorFor('not.an.obis'), undefined);
});

test('discovery: derived values and diagnostics; unique ids and topics are safe', () => {
  const [hour, proj] = hourlyDiscovery(T, KAIFA);
  assert.equal(hour?.config.state_topic, 'openams/han/6970631404129954/hourly');
  assert.equal(hour?.config.device_class, 'energy');
  assert.equal(hour?.config.state_class, 'total_increasing');
  assert.equal(hour?.config.unit_of_measurement, 'kWh');
  assert.match(proj?.config.value_template ?? '', /none if value_json.projectedWh is none/);
  const [step, basis] = tariffDiscovery(T, KAIFA);
  assert.equal(step?.config.value_template, '{{ value_json.step }}');
  assert.equal(basis?.config.unit_of_measurement, 'kW');
  const diag = statusDiscovery(T, KAIFA);
  assert.deepEqual(
    diag.map((d) => [d.config.unique_id, d.config.entity_category, d.config.state_topic]),
    [
      ['openams_han_6970631404129954_frames', 'diagnostic', 'openams/han/status'],
      ['openams_han_6970631404129954_checksum_errors', 'diagnostic', 'openams/han/status'],
      ['openams_han_6970631404129954_last_seen', 'diagnostic', 'openams/han/status'],
    ],
  );
  assert.equal(topicLevel('a/b+#c'), 'a_b__c');
  assert.equal(stateTopic(T, 'x/y'), 'openams/han/x_y/state');
  assert.equal(obisDiscovery(T, { meterId: 'a b/c', vendor: 'generic' }, '1.0.1.7.0.255')?.config.unique_id, 'openams_han_a_b_c_power_import');
  assert.equal(haDevice({ meterId: '1', vendor: 'generic' }).name, 'Meter 1');
});

test('maskUrl hides the password and survives garbage', () => {
  assert.equal(maskUrl('mqtt://user:s3cret@broker.local:1883'), 'mqtt://user:***@broker.local:1883');
  assert.equal(maskUrl('mqtt://broker:1883'), 'mqtt://broker:1883');
  assert.equal(maskUrl('not a url with s3cret'), '<invalid url>');
});

const HOURLY: HanHourlyMessage = { hourStart: '2022-11-07T09:00:00+01:00', energyWh: 412, projectedWh: 1540, lastHour: null };
const TARIFF: HanTariffMessage = { month: '2022-11', basisWh: 4300, step: 2, stepLabel: '2–5 kW', peaks: [] };

function uniquePrefixes(): { prefix: string; discoveryPrefix: string } {
  const tag = randomBytes(4).toString('hex');
  return { prefix: `openams-test-${tag}/han`, discoveryPrefix: `openams-test-${tag}/ha` };
}

async function publisherOn(url: string, extra: { prefix: string; discoveryPrefix: string }, clients?: MqttClient[]): Promise<HanMqttPublisher> {
  const p = new HanMqttPublisher({
    url,
    ...extra,
    reconnectPeriodMs: 100,
    statusIntervalMs: 0,
    connect: (u: string, o: IClientOptions) => {
      const c = connect(u, o);
      clients?.push(c);
      return c;
    },
  });
  await p.ready();
  return p;
}

/** Removes retained messages a test left on a shared broker. */
async function clearRetained(url: string, topics: Iterable<string>): Promise<void> {
  const c = connect(url);
  await new Promise<void>((r) => c.once('connect', () => r()));
  for (const t of topics) await c.publishAsync(t, '', { retain: true, qos: 1 });
  await c.endAsync();
}

/** The publish/subscribe contract, run against any broker. */
async function basicContract(url: string): Promise<void> {
  const names = uniquePrefixes();
  const sub: Collector = await collect(url, [`${names.prefix}/#`, `${names.discoveryPrefix}/#`]);
  const clients: MqttClient[] = [];
  const pub = await publisherOn(url, names, clients);
  const meter = '6970631404129954';
  try {
    pub.publishReading(KAIFA_READINGS.list2);
    pub.publishReading(KAIFA_READINGS.list1); // no meter id: belongs to the List 2 meter
    pub.publishHourly(meter, HOURLY);
    pub.publishTariff(meter, TARIFF);
    pub.updateStats({ frames: 3, readings: 2, bytesDropped: 7, errors: { CHECKSUM_MISMATCH: 1 }, lastReadingAt: '2022-11-07T08:44:40.000Z' });
    const st = `${names.prefix}/${meter}/state`;
    await waitFor(() => sub.last<HanStateMessage>(st)?.list === 1, 5000, 'List 1 state');
    const state = sub.last<HanStateMessage>(st);
    assert.ok(state);
    assert.equal(state.meterId, meter);
    assert.equal(state.vendor, 'kaifa');
    assert.equal(state.meterType, 'MA304H3E');
    assert.equal(state.listVersion, 'KFM_001');
    assert.equal(state.timestamp, '2022-11-07T09:44:38+01:00');
    // List 1 updated P+ only; List 2's currents are still there, with their own time.
    assert.deepEqual(state.obis['1.0.1.7.0.255'], { value: 549, unit: 'W', timestamp: '2022-11-07T09:44:38+01:00' });
    assert.deepEqual(state.obis['1.0.51.7.0.255'], { value: 1.829, unit: 'A', timestamp: '2022-11-07T09:44:40+01:00' });
    assert.deepEqual(state.obis['0.0.96.1.7.255'], { value: 'MA304H3E', unit: '', timestamp: '2022-11-07T09:44:40+01:00' });
    await waitFor(() => sub.last<HanTariffMessage>(`${names.prefix}/${meter}/tariff`) !== undefined, 5000, 'tariff');
    assert.deepEqual(sub.last(`${names.prefix}/${meter}/hourly`), HOURLY);
    assert.deepEqual(sub.last(`${names.prefix}/${meter}/tariff`), TARIFF);
    const configs = sub.messages.filter((m) => m.topic.startsWith(`${names.discoveryPrefix}/sensor/`));
    const ids = new Set(configs.map((m) => (JSON.parse(m.payload) as HaSensorConfig).unique_id));
    for (const key of ['power_import', 'power_export', 'reactive_power_export', 'current_l1', 'current_l3', 'voltage_l2', 'current_hour_energy', 'current_hour_projection', 'capacity_tariff_step', 'capacity_tariff_basis', 'frames', 'checksum_errors', 'last_seen']) {
      assert.ok(ids.has(`openams_han_${meter}_${key}`), key);
    }
    assert.ok(!ids.has(`openams_han_${meter}_energy_import`), 'no List 3 yet: no energy sensor');
    await waitFor(() => sub.last<HanStatusMessage>(`${names.prefix}/status`)?.frames === 3, 5000, 'status');
    assert.deepEqual(sub.last(`${names.prefix}/status`), {
      state: 'online',
      frames: 3,
      readings: 2,
      checksumErrors: 1,
      bytesDropped: 7,
      errors: { CHECKSUM_MISMATCH: 1 },
      lastSeen: '2022-11-07T08:44:40.000Z',
      meters: [meter],
    } satisfies HanStatusMessage);

    // Retained: a late subscriber gets discovery, state and status at once.
    const late = await collect(url, [`${names.prefix}/#`, `${names.discoveryPrefix}/#`]);
    await waitFor(() => late.last(st) !== undefined && late.messages.some((m) => m.topic.endsWith('_power_import/config')), 5000, 'retained');
    assert.ok(late.messages.every((m) => m.retain));
    await late.close();

    // A crash (no DISCONNECT) makes the broker publish the last will: offline.
    const raw = clients[0];
    assert.ok(raw);
    await raw.endAsync(true);
    await waitFor(() => sub.last<HanStatusMessage>(`${names.prefix}/status`)?.state === 'offline', 5000, 'last will');
    assert.deepEqual(sub.last(`${names.prefix}/status`), { state: 'offline' });
  } finally {
    await pub.close();
    await sub.close();
    await clearRetained(url, new Set(sub.messages.map((m) => m.topic)));
  }
}

const noBroker = process.env['MQTT_URL'] ? undefined : mosquittoMissing();

test('MQTT on a private mosquitto: state, derived topics, discovery, status and last will', { skip: noBroker && 'neither MQTT_URL nor a mosquitto binary: ' + noBroker }, async () => {
  if (mosquittoMissing()) return; // only MQTT_URL: the test below covers it
  const broker: Broker = await startBroker();
  try {
    await basicContract(broker.url);
  } finally {
    await broker.stop();
  }
});

const mqttUrl = process.env['MQTT_URL'];
test('MQTT on the broker at MQTT_URL: the same publish/subscribe contract', { skip: mqttUrl ? undefined : 'MQTT_URL is not set' }, async () => {
  await basicContract(mqttUrl as string);
});

test('a clean close publishes offline with the final counters', { skip: mosquittoMissing() }, async () => {
  const broker = await startBroker();
  const names = uniquePrefixes();
  try {
    const sub = await collect(broker.url, [`${names.prefix}/status`]);
    const pub = await publisherOn(broker.url, names);
    pub.publishReading(KAIFA_READINGS.list3);
    pub.updateStats({ frames: 1, readings: 1, bytesDropped: 0, errors: {} });
    await pub.close();
    await pub.close();
    await waitFor(() => sub.last<HanStatusMessage>(`${names.prefix}/status`)?.state === 'offline', 5000, 'offline');
    assert.deepEqual(sub.last(`${names.prefix}/status`), {
      state: 'offline',
      frames: 1,
      readings: 1,
      checksumErrors: 0,
      bytesDropped: 0,
      errors: {},
      lastSeen: null,
      meters: ['6970631405808469'],
    });
    await sub.close();
  } finally {
    await broker.stop();
  }
});

test('broker restart mid-stream: nothing queued while down, then discovery and the latest state again', { skip: mosquittoMissing() }, async () => {
  const broker = await startBroker();
  const names = uniquePrefixes();
  const events: string[] = [];
  const pub = new HanMqttPublisher({ url: broker.url, ...names, reconnectPeriodMs: 100, statusIntervalMs: 0, onEvent: (e) => events.push(e.type) });
  await pub.ready();
  let sub = await collect(broker.url, [`${names.prefix}/#`, `${names.discoveryPrefix}/#`]);
  const meter = '6970631405808469';
  const st = `${names.prefix}/${meter}/state`;
  const power = (w: number): ReturnType<typeof reading> =>
    reading({ vendor: 'kaifa', list: 1, timestamp: `2020-02-03T16:00:${String(10 + (w % 40)).padStart(2, '0')}+01:00`, obis: { '1.0.1.7.0.255': { value: w, unit: 'W' } } });
  try {
    pub.publishReading(KAIFA_READINGS.list3);
    pub.publishReading(power(1000));
    await waitFor(() => sub.last<HanStateMessage>(st)?.obis['1.0.1.7.0.255']?.value === 1000, 5000, 'state before restart');

    await broker.kill();
    await waitFor(() => !pub.connected, 5000, 'publisher to notice');
    // 200 readings while the broker is gone: none may be queued.
    for (let w = 2000; w < 2200; w++) pub.publishReading(power(w));
    pub.publishHourly(meter, HOURLY);
    await sub.close();

    await broker.restart(); // no persistence: every retained message is gone
    sub = await collect(broker.url, [`${names.prefix}/#`, `${names.discoveryPrefix}/#`]);
    await waitFor(() => pub.connected, 10_000, 'reconnect');
    await waitFor(() => sub.last<HanStateMessage>(st)?.obis['1.0.1.7.0.255']?.value === 2199, 10_000, 'latest state after restart');
    await waitFor(() => sub.messages.some((m) => m.topic.endsWith(`${meter}_energy_import/config`)), 5000, 'discovery again');
    await new Promise((r) => setTimeout(r, 300));
    const states = sub.messages.filter((m) => m.topic === st).map((m) => (JSON.parse(m.payload) as HanStateMessage).obis['1.0.1.7.0.255']?.value);
    assert.ok(states.every((v) => v === 2199), `only the latest state is republished, got ${states.length}: ${states.slice(0, 5).join(',')}`);
    const state = sub.last<HanStateMessage>(st);
    assert.equal(state?.obis['1.0.1.8.0.255']?.value, 10494991, 'List 3 values kept across the outage');
    assert.deepEqual(sub.last(`${names.prefix}/${meter}/hourly`), HOURLY);
    assert.equal(sub.last<HanStatusMessage>(`${names.prefix}/status`)?.state, 'online');
    const ids = new Set(sub.messages.filter((m) => m.topic.startsWith(`${names.discoveryPrefix}/sensor/`)).map((m) => (JSON.parse(m.payload) as HaSensorConfig).unique_id));
    for (const key of ['power_import', 'energy_import', 'energy_export', 'reactive_energy_export', 'voltage_l3', 'current_hour_energy', 'frames']) {
      assert.ok(ids.has(`openams_han_${meter}_${key}`), key);
    }
    assert.ok(events.includes('offline') && events.includes('reconnecting'));

    // Home Assistant restarts and announces itself: everything is published again.
    const before = sub.messages.length;
    await sub.client.publishAsync(`${names.discoveryPrefix}/status`, 'online');
    await waitFor(() => sub.messages.slice(before).some((m) => m.topic.endsWith(`${meter}_power_import/config`)), 5000, 'republish on HA birth');
  } finally {
    await pub.close();
    await sub.close();
    await broker.stop();
  }
});

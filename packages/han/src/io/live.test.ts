import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, openSync, writeSync } from 'node:fs';
import { FakeReader, KAIFA_READINGS, reading } from '../../test/fixtures/io/fake-reader.ts';
import { createHanReader } from '../pipeline/index.ts';
import { KAIFA_MA304H3E_LIST1, KAIFA_MA304H3E_LIST2, KAIFA_MA304H3E_LIST3, KAMSTRUP_LIST2, METER_IDS, fixtureBytes } from '../../test/fixtures/io/frames.ts';
import { collect, mosquittoMissing, socatMissing, startBroker, startPtyPair, waitFor } from '../../test/fixtures/io/services.ts';
import type { HaSensorConfig } from './ha-discovery.ts';
import type { HanReading } from '../reading/index.ts';
import { HanDerivedValues, tariffMessage } from './derived.ts';
import { findElectricity, formatReadingLine, readingToJson } from './format.ts';
import type { HanDerivedUpdate } from './live.ts';
import { HanLive, formatLiveLine } from './live.ts';
import type { HanHourlyMessage, HanStateMessage, HanTariffMessage } from './mqtt.ts';
import { HanMqttPublisher } from './mqtt.ts';
import type { SerialHandlers } from './serial.ts';

const METER = '6970631405808469';

/** A List 3 snapshot of the fixture meter at `clock` (Oslo), A+ in Wh. */
function list3(clock: string, importWh: number, powerW: number): HanReading {
  return reading({
    vendor: 'kaifa',
    list: 3,
    meterId: METER,
    meterType: 'MA304H3E',
    timestamp: clock,
    obis: {
      '1.0.1.7.0.255': { value: powerW, unit: 'W' },
      '1.0.1.8.0.255': { value: importWh, unit: 'Wh' },
      '1.0.2.8.0.255': { value: 0, unit: 'Wh' },
      '1.0.3.8.0.255': { value: 0, unit: 'varh' },
      '1.0.4.8.0.255': { value: 0, unit: 'varh' },
    },
  });
}

function list1(clock: string, powerW: number): HanReading {
  return reading({ vendor: 'kaifa', list: 1, timestamp: clock, obis: { '1.0.1.7.0.255': { value: powerW, unit: 'W' } } });
}

test('format: JSON form, readable line and lookups by C.D.E whatever the B channel', () => {
  assert.deepEqual(readingToJson(KAIFA_READINGS.list1), {
    vendor: 'kaifa',
    list: 1,
    meterId: null,
    meterType: null,
    timestamp: '2022-11-07T09:44:38+01:00',
    obis: { '1.0.1.7.0.255': { value: 549, unit: 'W' } },
  });
  assert.equal(formatReadingLine(KAIFA_READINGS.list1), '2022-11-07T09:44:38+01:00 kaifa L1 - -  P+ 549 W');
  const kam = reading({ vendor: 'kamstrup', list: 2, timestamp: 't', obis: { '1.1.31.7.0.255': { value: 5.64, unit: 'A' } }, notes: ['n'] });
  assert.equal(findElectricity(kam, 31, 7, 0)?.key, '1.1.31.7.0.255');
  assert.equal(findElectricity(kam, 51, 7, 0), undefined);
  assert.equal(formatReadingLine(kam), 't kamstrup L2 - -  I 5.64/-/- A');
  assert.deepEqual(readingToJson(kam).notes, ['n']);
});

test('formatLiveLine: meter time, list, quantities, hour so far with projection, tariff step', () => {
  const derived: HanDerivedUpdate = {
    hourly: { hourStart: '2022-11-07T09:00:00+01:00', energyWh: 412, projectedWh: 1540, lastHour: null, limitWh: 1000, exceedsLimit: true },
    tariff: { month: '2022-11', basisWh: 4300, step: 2, stepLabel: '2–5 kW', peaks: [] },
  };
  assert.equal(formatLiveLine(KAIFA_READINGS.list1, derived), '09:44:38 L1  P+ 549 W  hour 0.412 kWh \u2192 1.540 kWh (above the step limit)  step 2 (2–5 kW)');
  assert.equal(formatLiveLine(KAIFA_READINGS.list1), '09:44:38 L1  P+ 549 W');
});

test('HanDerivedValues: List 3 deltas give the last hour and the tariff basis; List 1 power the hour so far', () => {
  const notes: string[] = [];
  const d = new HanDerivedValues({ onNote: (n) => notes.push(n) });
  assert.deepEqual(d.update(list1('2026-11-25T13:59:00+01:00', 500), new Date('2026-11-25T12:59:00Z')), {}, 'no meter known yet');
  const a = d.update(list3('2026-11-25T14:00:10+01:00', 10_000_000, 2000), new Date('2026-11-25T13:00:10Z'));
  assert.equal(a.tariff, undefined, 'one snapshot: no hour yet');
  assert.equal(a.hourly?.hourStart, '2026-11-25T14:00:00+01:00');
  let u: HanDerivedUpdate = {};
  // List 1 every 2 s for a minute at 2 kW (attributed to the List 3 meter), then the next List 3.
  for (let s = 12; s <= 72; s += 2) u = d.update(list1('2026-11-25T14:00:00+01:00', 2000), new Date(Date.UTC(2026, 10, 25, 13, 0, s)));
  assert.ok(u.hourly);
  assert.ok(Math.abs(u.hourly.energyWh - 40) <= 1, `≈ 2 kW × 72 s = 40 Wh, got ${u.hourly.energyWh}`);
  assert.ok(u.hourly.projectedWh !== null && Math.abs(u.hourly.projectedWh - 2000) <= 2);
  const b = d.update(list3('2026-11-25T15:00:10+01:00', 10_003_500, 3000), new Date('2026-11-25T14:00:10Z'));
  assert.deepEqual(b.hourly?.lastHour, { hourStart: '2026-11-25T14:00:00+01:00', energyWh: 3500 });
  assert.equal(b.tariffChanged, true);
  assert.deepEqual(b.tariff, {
    month: '2026-11',
    basisWh: 3500, // the mean of the days counted so far: one day, 3.5 kWh
    step: 2,
    stepLabel: '2–5 kW',
    peaks: [{ hourStart: '2026-11-25T14:00:00+01:00', energyWh: 3500 }],
  } satisfies HanTariffMessage);
  const c = d.update(list1('2026-11-25T15:00:12+01:00', 3000), new Date('2026-11-25T14:00:12Z'));
  assert.equal(c.tariffChanged, false, 'unchanged basis is not republished');
  assert.deepEqual(c.tariff, b.tariff);
  assert.deepEqual(notes, []);
});

test('tariffMessage rounds the basis to Wh and numbers steps from 1', () => {
  const msg = tariffMessage({
    month: '2026-11',
    topDays: [],
    basisKw: 5.4321,
    step: { index: 2, fromKw: 5, toKw: 10, label: '5–10 kW' },
    hoursCounted: 0,
    daysCounted: 0,
    excluded: [],
  });
  assert.deepEqual(msg, { month: '2026-11', basisWh: 5432, step: 3, stepLabel: '5–10 kW', peaks: [] });
});

test('HanLive: serial chunks → reader → derived → MQTT state/hourly, and the live callbacks', { skip: mosquittoMissing() }, async () => {
  const broker = await startBroker();
  const sub = await collect(broker.url, ['live/#']);
  let port: SerialHandlers | undefined;
  const reader = new FakeReader([
    { bytes: fixtureBytes(KAIFA_MA304H3E_LIST3), reading: KAIFA_READINGS.list3 },
    { bytes: fixtureBytes(KAIFA_MA304H3E_LIST2), reading: KAIFA_READINGS.list2 },
    { bytes: fixtureBytes(KAIFA_MA304H3E_LIST1), reading: KAIFA_READINGS.list1 },
  ]);
  const mqtt = new HanMqttPublisher({ url: broker.url, prefix: 'live', discovery: false, statusIntervalMs: 0 });
  await mqtt.ready();
  const lines: string[] = [];
  const live = new HanLive({
    reader,
    mqtt,
    derived: new HanDerivedValues(),
    serial: {
      path: '/dev/fake',
      open: (_s, h) => {
        port = h;
        return Promise.resolve({ close: () => Promise.resolve() });
      },
    },
    onReading: (r, d) => lines.push(formatLiveLine(r, d)),
  });
  try {
    await live.start();
    port?.data(fixtureBytes(KAIFA_MA304H3E_LIST3));
    port?.data(fixtureBytes(KAIFA_MA304H3E_LIST2));
    port?.data(fixtureBytes(KAIFA_MA304H3E_LIST1));
    assert.equal(lines.length, 3);
    await waitFor(() => sub.last<HanStateMessage>('live/6970631404129954/state')?.list === 1, 5000, 'List 1 on the List 2 meter');
    await waitFor(() => sub.last<HanHourlyMessage>(`live/${METER}/hourly`) !== undefined, 5000, 'hourly');
    await waitFor(() => sub.last<{ frames: number; serial: string }>('live/status')?.frames === 3, 5000, 'status');
    assert.equal(sub.last<{ serial: string }>('live/status')?.serial, 'open');
  } finally {
    await live.stop();
    await waitFor(() => sub.last<{ state: string }>('live/status')?.state === 'offline', 5000, 'offline');
    await sub.close();
    await broker.stop();
  }
});

test(
  'end to end: real frames through a pty, the real reader and a private mosquitto reach Home Assistant discovery',
  { skip: socatMissing() ?? mosquittoMissing() },
  async () => {
    const pty = await startPtyPair();
    const broker = await startBroker();
    const sub = await collect(broker.url, ['e2e/#', 'e2eha/#']);
    const mqtt = new HanMqttPublisher({ url: broker.url, prefix: 'e2e', discoveryPrefix: 'e2eha', statusIntervalMs: 0 });
    await mqtt.ready();
    const live = new HanLive({
      reader: createHanReader({ vendor: 'kamstrup' }),
      mqtt,
      derived: new HanDerivedValues(),
      serial: { path: pty.readerSide, vendor: 'kamstrup' },
    });
    try {
      await live.start();
      const fd = openSync(pty.meterSide, 'w');
      writeSync(fd, fixtureBytes(KAMSTRUP_LIST2));
      writeSync(fd, fixtureBytes(KAIFA_MA304H3E_LIST3));
      closeSync(fd);
      const kam = METER_IDS.kamstrup;
      await waitFor(() => sub.last<HanStateMessage>(`e2e/${kam}/state`) !== undefined, 10_000, 'Kamstrup state');
      await waitFor(() => sub.messages.some((m) => m.topic === `e2eha/sensor/openams_han_${METER_IDS.kaifaList3}_energy_import/config`), 10_000, 'Kaifa energy discovery');
      const state = sub.last<HanStateMessage>(`e2e/${kam}/state`);
      assert.equal(state?.vendor, 'kamstrup');
      assert.equal(state?.meterType, '6841121BN243101040');
      const current = sub.messages.find((m) => m.topic === `e2eha/sensor/openams_han_${kam}_current_l1/config`);
      assert.ok(current, 'current L1 announced');
      const cfg = JSON.parse(current.payload) as HaSensorConfig;
      assert.equal(cfg.device.manufacturer, 'Kamstrup');
      assert.equal(cfg.device.model, '6841121BN243101040');
      // The template points at the key the decoder produced (B = 0 or 1), and that key is in the state.
      const key = /obis\['([^']+)'\]/.exec(cfg.value_template)?.[1] ?? '';
      assert.equal(state?.obis[key]?.value, 5.64);
      assert.equal(state?.obis[key]?.unit, 'A');
      const kaifa = sub.last<HanStateMessage>(`e2e/${METER_IDS.kaifaList3}/state`);
      const energyKey = Object.keys(kaifa?.obis ?? {}).find((k) => /^1\.\d+\.1\.8\.0\.255$/.test(k)) ?? '';
      assert.deepEqual(kaifa?.obis[energyKey], { value: 10494991, unit: 'Wh', timestamp: '2020-02-03T16:00:10+01:00' });
    } finally {
      await live.stop();
      await sub.close();
      await broker.stop();
      await pty.stop();
    }
  },
);

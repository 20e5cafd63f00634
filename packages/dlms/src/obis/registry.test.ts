import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { COSEM_UNITS, describeObis, obisFromBytes, obisFromGroups, parseObis } from './index.ts';
import type { HanListElement } from '../../test/fixtures/obis/han-lists.ts';
import { CLASS_ID } from '../cosem/index.ts';
import { hexToBytes } from '../bytes/index.ts';
import { AIDON_LIST3_ELEMENTS, AIDON_LIST3_HEADER, KAMSTRUP_LIST2_ELEMENTS, KAMSTRUP_LIST2_HEADER } from '../../test/fixtures/obis/han-lists.ts';

const d = (text: string) => describeObis(parseObis(text));

test('the Norwegian HAN codes come from the registry with their units', () => {
  const expect: readonly (readonly [string, string, string | undefined, number])[] = [
    ['1-0:1.7.0.255', 'Active power import (+P)', 'W', CLASS_ID.register],
    ['1-0:2.7.0.255', 'Active power export (−P)', 'W', CLASS_ID.register],
    ['1-0:3.7.0.255', 'Reactive power import (+Q)', 'var', CLASS_ID.register],
    ['1-0:4.7.0.255', 'Reactive power export (−Q)', 'var', CLASS_ID.register],
    ['1-0:31.7.0.255', 'Current L1', 'A', CLASS_ID.register],
    ['1-0:51.7.0.255', 'Current L2', 'A', CLASS_ID.register],
    ['1-0:71.7.0.255', 'Current L3', 'A', CLASS_ID.register],
    ['1-0:32.7.0.255', 'Voltage L1', 'V', CLASS_ID.register],
    ['1-0:52.7.0.255', 'Voltage L2', 'V', CLASS_ID.register],
    ['1-0:72.7.0.255', 'Voltage L3', 'V', CLASS_ID.register],
    ['1-0:21.7.0.255', 'Active power import (+P) L1', 'W', CLASS_ID.register],
    ['1-0:13.7.0.255', 'Power factor', undefined, CLASS_ID.register],
    ['1-0:1.8.0.255', 'Active energy import (+A), total', 'Wh', CLASS_ID.register],
    ['1-0:2.8.0.255', 'Active energy export (−A), total', 'Wh', CLASS_ID.register],
    ['1-0:3.8.0.255', 'Reactive energy import (+R), total', 'varh', CLASS_ID.register],
    ['1-0:4.8.0.255', 'Reactive energy export (−R), total', 'varh', CLASS_ID.register],
    ['1-0:1.8.1.255', 'Active energy import (+A), tariff 1', 'Wh', CLASS_ID.register],
    ['1-0:2.8.4.255', 'Active energy export (−A), tariff 4', 'Wh', CLASS_ID.register],
    ['0-0:1.0.0.255', 'Clock', undefined, CLASS_ID.clock],
    ['0-1:1.0.0.255', 'Clock', undefined, CLASS_ID.clock],
    ['0-0:96.1.0.255', 'Meter ID (device ID 1, manufacturing number)', undefined, CLASS_ID.data],
    ['0-0:96.1.7.255', 'Meter type (device ID 8, as the Aidon and Kaifa HAN lists use it)', undefined, CLASS_ID.data],
    ['1-1:0.0.5.255', 'Meter ID (electricity ID 6, as the Kamstrup HAN list uses it)', undefined, CLASS_ID.data],
    ['1-1:96.1.1.255', 'Meter type (as the Kamstrup HAN list uses it)', undefined, CLASS_ID.data],
    ['1-1:1.7.0.255', 'Active power import (+P)', 'W', CLASS_ID.register],
    ['1-1:72.7.0.255', 'Voltage L3', 'V', CLASS_ID.register],
  ];
  for (const [text, name, symbol, classId] of expect) {
    const got = d(text);
    assert.ok(got, text);
    assert.equal(got.source, 'registry', text);
    assert.equal(got.name, name, text);
    assert.equal(got.unit?.symbol, symbol, text);
    assert.equal(got.classId, classId, text);
  }
  assert.match(d('1-1:0.2.129.255')?.name ?? '', /list version.*AIDON_V0001, Kamstrup_V0001/);
});

test('head-end objects come from the registry with their interface class', () => {
  const expect: readonly (readonly [string, string, number | undefined])[] = [
    ['1-0:99.1.0.255', 'Load profile with recording period 1', CLASS_ID.profileGeneric],
    ['1-0:99.2.0.255', 'Load profile with recording period 2', CLASS_ID.profileGeneric],
    ['0-0:99.98.0.255', 'Event log', CLASS_ID.profileGeneric],
    ['0-0:99.98.2.255', 'Event log, instance 2', CLASS_ID.profileGeneric],
    ['0-0:40.0.0.255', 'Current association', CLASS_ID.associationLn],
    ['0-0:40.0.3.255', 'Association, instance 3', CLASS_ID.associationLn],
    ['0-0:41.0.0.255', 'SAP assignment', CLASS_ID.sapAssignment],
    ['0-0:43.0.0.255', 'Security setup', CLASS_ID.securitySetup],
    ['0-0:43.0.2.255', 'Security setup, instance 2', CLASS_ID.securitySetup],
    ['0-0:43.1.2.255', 'Invocation counter (security setup instance 2)', CLASS_ID.data],
    ['0-0:44.0.0.255', 'Image transfer', CLASS_ID.imageTransfer],
    ['0-0:96.3.10.255', 'Disconnect control', CLASS_ID.disconnectControl],
    ['0-0:17.0.0.255', 'Limiter', CLASS_ID.limiter],
    ['0-0:25.9.0.255', 'Push setup', CLASS_ID.pushSetup],
    ['0-3:25.9.0.255', 'Push setup, instance 3', CLASS_ID.pushSetup],
    ['0-0:22.0.0.255', 'IEC HDLC setup', CLASS_ID.iecHdlcSetup],
    ['0-0:25.0.0.255', 'TCP-UDP setup', CLASS_ID.tcpUdpSetup],
    ['0-0:25.1.0.255', 'IPv4 setup', CLASS_ID.ipv4Setup],
    ['0-0:13.0.0.255', 'Activity calendar', CLASS_ID.activityCalendar],
    ['0-0:15.0.0.255', 'End of billing period single action schedule', CLASS_ID.singleActionSchedule],
    ['1-0:0.2.0.255', 'Active firmware identifier', CLASS_ID.data],
    ['0-0:96.1.1.255', 'Device ID 2', CLASS_ID.data],
    ['0-0:97.98.0.255', 'Alarm register 1', undefined],
    ['0-0:97.98.10.255', 'Alarm filter 1', undefined],
  ];
  for (const [text, name, classId] of expect) {
    const got = d(text);
    assert.ok(got, text);
    assert.equal(got.source, 'registry', text);
    assert.equal(got.name, name, text);
    assert.equal(got.classId, classId, text);
  }
});

test('other electricity codes are named by pattern, and say so', () => {
  const expect: readonly (readonly [string, string, string | undefined])[] = [
    ['1-0:1.8.5.255', 'Active energy import (+A), tariff 5', 'Wh'],
    ['1-0:42.6.2.255', 'Active power export (−P) L2, maximum 1 (maximum demand), tariff 2', 'W'],
    ['1-0:21.4.0.255', 'Active power import (+P) L1, current average 1, total', 'W'],
    ['1-0:1.5.0.255', 'Active power import (+P), last average 1, total', 'W'],
    ['1-0:9.8.0.255', 'Apparent energy import (QI+QIV), total', 'VAh'],
    ['1-0:5.8.0.255', 'Reactive energy QI, total', 'varh'],
    ['1-0:16.7.0.255', 'Active power, net (|+P| − |−P|)', 'W'],
    ['1-0:15.8.0.255', 'Active energy, absolute (|+A| + |−A|), total', 'Wh'],
    ['1-0:1.9.0.255', 'Active energy import (+A), time integral 2 (since the start of the billing period), total', 'Wh'],
    ['1-0:1.8.0.3', 'Active energy import (+A), total, billing period 3', 'Wh'],
    ['1-0:32.6.0.255', 'Voltage L1, maximum 1', 'V'],
    ['1-0:33.4.0.255', 'Power factor L1, current average 1', undefined],
    ['1-2:1.7.0.255', 'Active power import (+P)', 'W'],
  ];
  for (const [text, name, symbol] of expect) {
    const got = d(text);
    assert.ok(got, text);
    assert.equal(got.name, name, text);
    assert.equal(got.unit?.symbol, symbol, text);
    // 1-2:1.7.0.255 is in the registry (any channel B); the others are derived.
    assert.equal(got.source, text === '1-2:1.7.0.255' ? 'registry' : 'pattern', text);
    if (got.source === 'pattern') assert.equal(got.classId, undefined, text);
  }
});

test('codes neither the registry nor the rules know give undefined', () => {
  for (const text of [
    '2-0:1.8.0.255', // not electricity: no pattern for A = 2
    '1-0:1.7.1.255', // instantaneous values have no tariff
    '1-0:1.7.0.3', // … and no billing-period history
    '1-0:31.8.0.255', // a time integral of current is not named
    '1-0:32.6.1.255', // voltage has no tariffs
    '1-0:1.8.64.255', // tariffs are 1..63
    '1-0:1.8.0.101', // "last N billing periods" is not named
    '1-0:81.7.0.255', // angles are not in the pattern table
    '1-65:1.8.0.255', // B above 64
    '1-0:1.10.0.255', // D = 10 is not in the pattern table
    '1-0:200.0.0.255', // manufacturer specific
    '0-0:96.50.0.255',
    '255-255:255.255.255.255',
  ]) {
    assert.equal(d(text), undefined, text);
  }
});

test('every logical name in published Aidon and Kamstrup HAN lists is in the registry', () => {
  assert.equal(AIDON_LIST3_HEADER.slice(-4), '0111');
  assert.equal(AIDON_LIST3_ELEMENTS.length, 0x11);
  assert.equal(KAMSTRUP_LIST2_HEADER.slice(-36, -32), '0223');
  assert.equal(1 + 2 * KAMSTRUP_LIST2_ELEMENTS.length, 0x23);
  const check = (e: HanListElement) => {
    assert.ok(e.hex.includes(`0906${e.logicalName}`), e.logicalName);
    const obis = obisFromBytes(hexToBytes(e.logicalName));
    const got = describeObis(obis);
    assert.ok(got, obis);
    assert.equal(got.source, 'registry', obis);
    // The unit the meter sends in scaler_unit is the unit the registry gives.
    if (e.unit !== undefined) assert.equal(got.unit?.code, e.unit, obis);
  };
  AIDON_LIST3_ELEMENTS.forEach(check);
  KAMSTRUP_LIST2_ELEMENTS.forEach(check);
});

test('property: describeObis never throws and always returns a usable description', () => {
  const knownClasses = new Set<number>(Object.values(CLASS_ID));
  const units = new Set(COSEM_UNITS);
  const interesting = fc.tuple(
    fc.constantFrom(0, 1, 2, 7),
    fc.integer({ min: 0, max: 70 }),
    fc.integer({ min: 0, max: 100 }),
    fc.integer({ min: 0, max: 12 }),
    fc.integer({ min: 0, max: 130 }),
    fc.constantFrom(0, 3, 99, 100, 101, 255),
  );
  const any = fc.tuple(...Array.from({ length: 6 }, () => fc.integer({ min: 0, max: 255 })));
  fc.assert(
    fc.property(fc.oneof(interesting, any), (groups) => {
      const got = describeObis(obisFromGroups(groups));
      if (got === undefined) return;
      assert.ok(got.name.length > 0);
      assert.ok(got.source === 'registry' || got.source === 'pattern');
      if (got.unit !== undefined) assert.ok(units.has(got.unit));
      if (got.classId !== undefined) assert.ok(knownClasses.has(got.classId));
    }),
    { numRuns: 5000 },
  );
});

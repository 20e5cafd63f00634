import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { isHanError } from '../errors/index.ts';
import type { DottedObis, HanReading, HanValue } from '../reading/index.ts';
import { GH1119_READINGS, GH1119_RECEIVED_AT } from '../../test/fixtures/derived/gh1119.ts';
import { buildCapture } from '../../test/fixtures/derived/capture.ts';
import type { CapturedReadingLike, CaptureSpec } from '../../test/fixtures/derived/capture.ts';
import { reading } from '../../test/fixtures/derived/readings.ts';
import { CONFORMANCE_RULES, checkHanConformance, detectTopology, listConformanceRules, topologyFromMeterType } from './index.ts';
import type { ConformanceOptions, ConformanceReport, RuleStatus } from './index.ts';

const statusOf = (report: ConformanceReport, rule: string): RuleStatus | undefined => report.results.find((r) => r.rule === rule)?.status;
const detailsOf = (report: ConformanceReport, rule: string): string => report.results.find((r) => r.rule === rule)?.details.join(' | ') ?? '';
const statuses = (report: ConformanceReport): Record<string, RuleStatus> => Object.fromEntries(report.results.map((r) => [r.rule, r.status]));

/** Replaces values (by dotted OBIS) in every reading that has them. */
function withValues(c: CapturedReadingLike, change: Record<string, Partial<HanValue> | undefined>): CapturedReadingLike {
  const obis: Record<DottedObis, HanValue> = { ...c.reading.obis };
  for (const [code, v] of Object.entries(change)) {
    const key = code as DottedObis;
    if (v === undefined) delete obis[key];
    else if (obis[key] !== undefined) obis[key] = { ...obis[key], ...v } as HanValue;
  }
  return { ...c, reading: { ...c.reading, obis } };
}
const withReading = (c: CapturedReadingLike, change: Partial<HanReading>): CapturedReadingLike => ({ ...c, reading: { ...c.reading, ...change } });
const check = (capture: readonly CapturedReadingLike[], options: ConformanceOptions) => checkHanConformance(capture, options);

const hourAidon: CaptureSpec = { vendor: 'aidon', start: '2026-11-25T13:59:00+01:00', end: '2026-11-25T15:00:30+01:00' };
const aidon = buildCapture(hourAidon);
const shortAidon = buildCapture({ vendor: 'aidon', start: '2026-11-25T13:59:30+01:00', end: '2026-11-25T14:00:30+01:00' });

test('the rule table: unique ids, every rule described and sourced, listable for --help', () => {
  const rules = listConformanceRules();
  assert.equal(new Set(rules.map((r) => r.id)).size, rules.length);
  assert.equal(rules.length, CONFORMANCE_RULES.length);
  assert.deepEqual(
    rules.map((r) => r.id),
    [
      'capture.vendor',
      'list1.cadence',
      'list2.cadence',
      'list3.cadence',
      'list3.clock-advances',
      'list1.content',
      'list2.content',
      'list3.content',
      'clock.sane',
      'values.units',
      'values.voltage',
      'values.current',
      'values.power',
      'meter-id.gs1',
      'meter-id.stable',
      'counters.monotonic',
    ],
  );
  for (const r of rules) assert.ok(r.description.length > 10 && r.source.length > 5, r.id);
});

test('a well-behaved Aidon 6534 over an hour passes every rule', () => {
  const report = check(aidon, { vendor: 'aidon' });
  assert.deepEqual(report.topology, { phases: '3P4W', ct: false, basis: 'meter-type' });
  assert.equal(report.readings, aidon.length);
  assert.equal(report.from, '2026-11-25T13:59:01+01:00'); // a List 2 slot at 13:59:00, 1 s on the line
  assert.deepEqual(
    report.results.filter((r) => r.status !== 'pass').map((r) => [r.rule, r.details]),
    [],
  );
  assert.equal(report.passed, true);
  assert.deepEqual(report.counts, { pass: 16, fail: 0, notApplicable: 0 });
  assert.match(detailsOf(report, 'list1.cadence'), /median period 2\.5 s/);
  assert.match(detailsOf(report, 'list3.cadence'), /2 List 3 frames, 2 whole hours/);
});

test('a Kaifa MA304H3E (IT, U2 = 0) every 2 s passes, and its id-less List 1 may decode as generic', () => {
  const capture = buildCapture({ vendor: 'kaifa', meterType: 'MA304H3E', start: '2026-06-10T11:59:40+02:00', end: '2026-06-10T12:00:40+02:00' }).map((c) =>
    c.reading.list === 1 ? withReading(c, { vendor: 'generic' }) : c,
  );
  const report = check(capture, { vendor: 'kaifa' });
  assert.deepEqual(report.topology, { phases: '3P3W', ct: false, basis: 'meter-type' });
  assert.equal(report.passed, true, JSON.stringify(report.results.filter((r) => r.status === 'fail')));
  assert.match(detailsOf(report, 'list1.cadence'), /median period 2 s/);
  assert.match(detailsOf(report, 'list2.content'), /3P3W .*IL2\/UL2 optional/);
  assert.match(detailsOf(report, 'values.power'), /3-wire/);
});

test('Kamstrup: List 1 not applicable (exempt), channel B=1 codes, List 3 at XX:00:05 beside the List 2', () => {
  const capture = buildCapture({ vendor: 'kamstrup', start: '2026-11-25T13:58:00+01:00', end: '2026-11-25T14:02:00+01:00' });
  assert.ok(capture.some((c) => c.reading.obis['1.1.1.8.0.255' as DottedObis] !== undefined));
  const report = check(capture, { vendor: 'kamstrup' });
  assert.equal(statusOf(report, 'list1.cadence'), 'not-applicable');
  assert.equal(statusOf(report, 'list1.content'), 'not-applicable');
  assert.equal(report.passed, true, JSON.stringify(report.results.filter((r) => r.status === 'fail')));
  assert.deepEqual(report.topology, { phases: '3P4W', ct: false, basis: 'meter-type' });
});

test('amsreader #1119: the repeated List 3 clock fails list3.clock-advances; the rest of its content passes', () => {
  const capture = GH1119_READINGS.map((r, i) => ({ reading: r, receivedAt: GH1119_RECEIVED_AT[i] as Date }));
  const report = check(capture, { vendor: 'aidon' });
  const s = statuses(report);
  assert.equal(s['list3.clock-advances'], 'fail');
  assert.match(detailsOf(report, 'list3.clock-advances'), /18:00:10\+01:00 has clock 2025-12-14T17:00:00\+01:00, 0 h after .*repeated snapshot, amsreader #1119/);
  for (const rule of ['list3.cadence', 'list3.content', 'values.units', 'values.voltage', 'values.current', 'values.power', 'meter-id.gs1', 'meter-id.stable', 'counters.monotonic']) {
    assert.equal(s[rule], 'pass', `${rule}: ${detailsOf(report, rule)}`);
  }
  // Only List 3 was captured: three hours without List 1 or List 2.
  assert.equal(s['list1.cadence'], 'fail');
  assert.equal(s['list2.cadence'], 'fail');
  // The clock of the repeat is 70 s behind its receive time.
  assert.equal(s['clock.sane'], 'fail');
  assert.match(detailsOf(report, 'clock.sane'), /3610 s from receive time/);
});

test('cadence: List 1 every 3.5 s fails; a few lost frames pass; many lost frames fail', () => {
  const slow = buildCapture({ ...hourAidon, end: '2026-11-25T14:00:30+01:00', list1PeriodS: 3.5 });
  const r1 = check(slow, { vendor: 'aidon' });
  assert.equal(statusOf(r1, 'list1.cadence'), 'fail');
  assert.match(detailsOf(r1, 'list1.cadence'), /median period 3\.5 s is outside 2–2\.5 s/);

  const fewLost = aidon.filter((_, i) => i % 100 !== 5);
  const few = check(fewLost, { vendor: 'aidon' });
  assert.equal(statusOf(few, 'list1.cadence'), 'pass');
  assert.match(detailsOf(few, 'list1.cadence'), /1[0-9] frame\(s\) missing/);

  const manyLost = shortAidon.filter((_, i) => i % 3 !== 1);
  assert.equal(statusOf(check(manyLost, { vendor: 'aidon' }), 'list1.cadence'), 'fail');
});

test('cadence: List 2 every 12 s fails; jittered List 1 off by 1 s fails', () => {
  const capture = shortAidon.map((c) => (c.reading.list === 2 ? { ...c, receivedAt: new Date(c.receivedAt.getTime() + ((c.receivedAt.getTime() / 10_000) % 6) * 400) } : c));
  const r = check(capture, { vendor: 'aidon' });
  assert.equal(statusOf(r, 'list2.cadence'), 'fail');
  const jitter = shortAidon.map((c, i) => (c.reading.list === 1 && i % 2 === 0 ? { ...c, receivedAt: new Date(c.receivedAt.getTime() + 1000) } : c));
  assert.equal(statusOf(check(jitter, { vendor: 'aidon' }), 'list1.cadence'), 'fail');
});

test('List 3 received late, or missing for an hour, fails list3.cadence', () => {
  const late = aidon.map((c) => (c.reading.list === 3 ? { ...c, receivedAt: new Date(c.receivedAt.getTime() + 30_000) } : c));
  const r = check(late, { vendor: 'aidon' });
  assert.equal(statusOf(r, 'list3.cadence'), 'fail');
  assert.match(detailsOf(r, 'list3.cadence'), /off the hour/);
  const missing = aidon.filter((c) => !(c.reading.list === 3 && c.reading.timestamp === '2026-11-25T15:00:00+01:00'));
  const m = check(missing, { vendor: 'aidon' });
  assert.equal(statusOf(m, 'list3.cadence'), 'fail');
  assert.match(detailsOf(m, 'list3.cadence'), /no List 3 for 2026-11-25T15:00:00\+01:00/);
  assert.equal(statusOf(check(buildCapture({ ...hourAidon, start: '2026-11-25T14:10:00+01:00', end: '2026-11-25T14:12:00+01:00' }), { vendor: 'aidon' }), 'list3.cadence'), 'not-applicable');
});

test('content: IL2 may be absent on a 3-wire Aidon 6525, not on a 6534; 1-phase needs only L1', () => {
  const noIl2 = (c: CapturedReadingLike) => withValues(c, { '1.0.51.7.0.255': undefined });
  const as6525 = shortAidon.map((c) => (c.reading.meterType ? withReading(noIl2(c), { meterType: '6525' }) : noIl2(c)));
  assert.equal(statusOf(check(as6525, { vendor: 'aidon' }), 'list2.content'), 'pass');
  const r = check(shortAidon.map(noIl2), { vendor: 'aidon' });
  assert.equal(statusOf(r, 'list2.content'), 'fail');
  assert.match(detailsOf(r, 'list2.content'), /IL2 \(1-x:51\.7\.0\) missing in 5 of 5 frames/);
  const onePhase = buildCapture({ vendor: 'aidon', phases: '1P', meterType: '6515', start: hourAidon.start, end: '2026-11-25T14:00:30+01:00' });
  const p = check(onePhase, { vendor: 'aidon' });
  assert.equal(p.topology.phases, '1P');
  assert.equal(p.passed, true, JSON.stringify(p.results.filter((x) => x.status === 'fail')));
});

test('content: a List 3 without clock or R− fails; List 2 without meter id fails', () => {
  const capture = shortAidon.map((c) =>
    c.reading.list === 3 ? withReading(withValues(c, { '1.0.4.8.0.255': undefined }), { timestampSource: 'received' }) : c.reading.list === 2 ? withReading(c, { meterId: undefined as unknown as string }) : c,
  );
  const r = check(
    capture.map((c) => {
      if (c.reading.meterId !== undefined) return c;
      const { meterId: _drop, ...rest } = c.reading;
      return { ...c, reading: rest };
    }),
    { vendor: 'aidon' },
  );
  assert.equal(statusOf(r, 'list3.content'), 'fail');
  assert.match(detailsOf(r, 'list3.content'), /meter clock missing in 1 of 1 frames \| R− \(1-x:4\.8\.0\) missing in 1 of 1/);
  assert.match(detailsOf(r, 'list2.content'), /meter id missing in 5 of 5/);
});

test('clock: an hour off (UTC read as local) and a winter offset in summer fail; the DST fold passes', () => {
  const hourOff = shortAidon.map((c) => (c.reading.list === 3 ? withReading(c, { timestamp: '2026-11-25T13:00:00+01:00' }) : c));
  const r = check(hourOff, { vendor: 'aidon' });
  assert.equal(statusOf(r, 'clock.sane'), 'fail');
  assert.match(detailsOf(r, 'clock.sane'), /one hour off, a DST or UTC\/local-time mix-up/);

  const wrongOffset = [{ reading: reading({ list: 3, timestamp: '2026-07-01T12:00:00+01:00' }), receivedAt: new Date('2026-07-01T11:00:10Z') }];
  const w = check(wrongOffset, { vendor: 'aidon', rules: ['clock.sane'] });
  assert.deepEqual(w.results.map((x) => x.rule), ['clock.sane']);
  assert.equal(statusOf(w, 'clock.sane'), 'fail');
  assert.match(detailsOf(w, 'clock.sane'), /does not carry the Oslo offset of its instant \(UTC\+2\)/);

  // 2026-10-25: the first 02:00 is +02:00 (00:00 UTC), the second +01:00 (01:00 UTC).
  const fold = [
    { reading: reading({ list: 3, timestamp: '2026-10-25T02:00:00+02:00' }), receivedAt: new Date('2026-10-25T00:00:10Z') },
    { reading: reading({ list: 3, timestamp: '2026-10-25T02:00:00+01:00' }), receivedAt: new Date('2026-10-25T01:00:10Z') },
    { reading: reading({ list: 3, timestamp: '2026-10-25T03:00:00+01:00' }), receivedAt: new Date('2026-10-25T02:00:10Z') },
  ];
  const f = check(fold, { vendor: 'aidon', rules: ['clock.sane', 'list3.clock-advances'] });
  assert.deepEqual(statuses(f), { 'clock.sane': 'pass', 'list3.clock-advances': 'pass' });
});

test('units and magnitudes: a ×10 voltage, a current above the rating, a negative Kaifa current, a wrong unit, a negative energy', () => {
  const volts = shortAidon.map((c) => withValues(c, { '1.0.32.7.0.255': { value: 2304 } }));
  const v = check(volts, { vendor: 'aidon' });
  assert.equal(statusOf(v, 'values.voltage'), 'fail');
  assert.match(detailsOf(v, 'values.voltage'), /UL1 2304 V .*÷10 would fit: a scaling error\?/);

  const amps = shortAidon.map((c) => withValues(c, { '1.0.31.7.0.255': { value: 333 } }));
  const a = check(amps, { vendor: 'aidon' });
  assert.equal(statusOf(a, 'values.current'), 'fail');
  assert.match(detailsOf(a, 'values.current'), /IL1 333 A .*÷10 would fit/);

  const kaifa = buildCapture({ vendor: 'kaifa', start: '2026-11-25T13:59:50+01:00', end: '2026-11-25T14:00:30+01:00' });
  const negKaifa = kaifa.map((c) => withValues(c, { '1.0.31.7.0.255': { value: -1.5 } }));
  assert.equal(statusOf(check(negKaifa, { vendor: 'kaifa' }), 'values.current'), 'fail');
  const negAidon = shortAidon.map((c) => withValues(c, { '1.0.31.7.0.255': { value: -1.5 } }));
  assert.equal(statusOf(check(negAidon, { vendor: 'aidon' }), 'values.current'), 'pass');

  const units = shortAidon.map((c) => withValues(c, { '1.0.72.7.0.255': { unit: 'A' }, '1.0.1.8.0.255': { value: -5 } }));
  const u = check(units, { vendor: 'aidon' });
  assert.equal(statusOf(u, 'values.units'), 'fail');
  assert.match(detailsOf(u, 'values.units'), /UL3 in 'A', expected 'V' \(6×\) \| A\+ is negative \(1×\)/);
});

test('power must agree with voltage × current, and stay within a direct meter\'s rating', () => {
  const capture = shortAidon.map((c) => withValues(c, { '1.0.1.7.0.255': { value: 12_000 } }));
  const r = check(capture, { vendor: 'aidon' });
  assert.equal(statusOf(r, 'values.power'), 'fail');
  assert.match(detailsOf(r, 'values.power'), /6 implausible: S 12004 VA vs Σ U·I 2320 VA at 2026-11-25T13:59:31\+01:00/);
  const huge = shortAidon.map((c) => withValues(c, { '1.0.3.7.0.255': { value: 500_000 } }));
  assert.match(detailsOf(check(huge, { vendor: 'aidon' }), 'values.power'), /500000 W\/var above 100000/);
  // A CT meter has no rating bound.
  const ct = huge.map((c) => (c.reading.meterType ? withReading(c, { meterType: '6550' }) : c));
  assert.doesNotMatch(detailsOf(check(ct, { vendor: 'aidon' }), 'values.power'), /above/);
});

test('meter id: a wrong GS1 check digit, a short id, a changing id or type', () => {
  const badDigit = shortAidon.map((c) => (c.reading.meterId ? withReading(c, { meterId: '7359992890497990' }) : c));
  const r = check(badDigit, { vendor: 'aidon' });
  assert.equal(statusOf(r, 'meter-id.gs1'), 'fail');
  assert.match(detailsOf(r, 'meter-id.gs1'), /7359992890497990: GS1 check digit wrong/);
  const short = shortAidon.map((c) => (c.reading.meterId ? withReading(c, { meterId: '12345' }) : c));
  assert.match(detailsOf(check(short, { vendor: 'aidon' }), 'meter-id.gs1'), /"12345" is not 16 digits/);
  let n = 0;
  const changing = shortAidon.map((c) => (c.reading.meterType ? withReading(c, { meterType: n++ % 2 ? '6534' : '6525' }) : c));
  const s = check(changing, { vendor: 'aidon' });
  assert.equal(statusOf(s, 'meter-id.stable'), 'fail');
  assert.match(detailsOf(s, 'meter-id.stable'), /2 different meter types: 6525, 6534/);
});

test('counters that fall between List 3 frames fail counters.monotonic', () => {
  const capture = aidon.map((c) => (c.reading.list === 3 && c.reading.timestamp.startsWith('2026-11-25T15') ? withValues(c, { '1.0.3.8.0.255': { value: 1 } }) : c));
  const r = check(capture, { vendor: 'aidon' });
  assert.equal(statusOf(r, 'counters.monotonic'), 'fail');
  assert.match(detailsOf(r, 'counters.monotonic'), /R\+ fell from 1000004 to 1 varh at 2026-11-25T15:00:11\+01:00/);
});

test('vendor: a Kaifa frame in an Aidon capture and a foreign list version fail', () => {
  const capture = shortAidon.map((c, i) => (i === 3 ? withReading(c, { vendor: 'kaifa' }) : c.reading.listVersion ? withReading(c, { listVersion: 'KFM_001' }) : c));
  const r = check(capture, { vendor: 'aidon' });
  assert.equal(statusOf(r, 'capture.vendor'), 'fail');
  assert.match(detailsOf(r, 'capture.vendor'), /1 frame\(s\) decoded as kaifa, not aidon \| list version KFM_001 does not belong to aidon/);
});

test('an empty capture fails capture.vendor and leaves the rest not applicable', () => {
  const r = check([], { vendor: 'aidon' });
  assert.equal(r.passed, false);
  assert.deepEqual(r.counts, { pass: 0, fail: 1, notApplicable: 15 });
  assert.equal(r.from, undefined);
});

test('readings out of receive order are sorted first', () => {
  const shuffled = [...aidon].reverse();
  assert.deepEqual(check(shuffled, { vendor: 'aidon' }).results, check(aidon, { vendor: 'aidon' }).results);
});

test('topology from meter types of the vendor documents, and from values', () => {
  assert.deepEqual(topologyFromMeterType('aidon', '6525'), { phases: '3P3W', ct: false });
  assert.deepEqual(topologyFromMeterType('aidon', '6550'), { phases: '3P4W', ct: true });
  assert.deepEqual(topologyFromMeterType('kaifa', 'MA105H2E'), { phases: '1P', ct: false });
  assert.deepEqual(topologyFromMeterType('kaifa', 'MA304T3'), { phases: '3P3W', ct: true });
  assert.deepEqual(topologyFromMeterType('kamstrup', '6841121BN243101040'), { phases: '3P3W', ct: false });
  assert.deepEqual(topologyFromMeterType('kamstrup', '6861111BN242101040'), { phases: '1P', ct: false });
  assert.deepEqual(topologyFromMeterType('kamstrup', '6851131BN243101040'), { phases: '3P4W', ct: true });
  assert.equal(topologyFromMeterType('aidon', '9999'), undefined);
  assert.equal(topologyFromMeterType('generic', '6534'), undefined);
  const noType = shortAidon.map((c) => c.reading).map(({ meterType: _t, ...r }) => r);
  assert.deepEqual(detectTopology('aidon', noType), { phases: '3P4W', ct: false, basis: 'values' });
  assert.deepEqual(detectTopology('aidon', [], '1P'), { phases: '1P', ct: false, basis: 'option' });
  assert.deepEqual(detectTopology('aidon', []), { phases: 'unknown', ct: false, basis: 'none' });
});

test('bad arguments are HanErrors', () => {
  const bad: [unknown, unknown][] = [
    [null, { vendor: 'aidon' }],
    [[], { vendor: 'landis' }],
    [[], null],
    [[], { vendor: 'aidon', phases: '2P' }],
    [[], { vendor: 'aidon', rules: ['no.such.rule'] }],
    [[], { vendor: 'aidon', tolerances: { clockToleranceSeconds: -1 } }],
    [[], { vendor: 'aidon', tolerances: { voltageRangeV: [260, 180] } }],
    [[], { vendor: 'aidon', tolerances: { list1PeriodSeconds: [0, 2] } }],
    [[{ reading: shortAidon[0]?.reading, receivedAt: new Date(Number.NaN) }], { vendor: 'aidon' }],
    [[{ reading: null, receivedAt: new Date() }], { vendor: 'aidon' }],
    [[42], { vendor: 'aidon' }],
  ];
  for (const [readings, options] of bad) {
    assert.throws(
      () => checkHanConformance(readings as never, options as never),
      (e: unknown) => isHanError(e) && e.code === 'INVALID_VALUE',
      JSON.stringify(options),
    );
  }
});

test('property: arbitrary (even nonsensical) readings give a report, never an exception', () => {
  const value = fc.record({
    value: fc.oneof(fc.double(), fc.integer({ min: -1e6, max: 1e9 })),
    unit: fc.constantFrom<HanValue['unit']>('W', 'var', 'A', 'V', 'Wh', 'varh', ''),
  });
  const code = fc.constantFrom('1.7.0', '2.7.0', '3.7.0', '4.7.0', '31.7.0', '51.7.0', '71.7.0', '32.7.0', '52.7.0', '72.7.0', '1.8.0', '2.8.0', '3.8.0', '4.8.0').chain((c) =>
    fc.constantFrom(`1.0.${c}.255`, `1.1.${c}.255`),
  );
  const entry = fc.record({
    list: fc.option(fc.constantFrom<1 | 2 | 3>(1, 2, 3), { nil: undefined }),
    vendor: fc.constantFrom<HanReading['vendor']>('aidon', 'kaifa', 'kamstrup', 'generic'),
    timestamp: fc.oneof(fc.constant('garbage'), fc.date({ min: new Date('2020-01-01'), max: new Date('2030-01-01'), noInvalidDate: true }).map((d) => d.toISOString())),
    source: fc.constantFrom<'meter' | 'received'>('meter', 'received'),
    values: fc.dictionary(code, value, { maxKeys: 8 }),
    meterId: fc.option(fc.string({ maxLength: 18 }), { nil: undefined }),
    meterType: fc.option(fc.constantFrom('6534', '6525', 'MA304H3E', '6841121BN243101040', 'x'), { nil: undefined }),
    receivedAt: fc.date({ min: new Date('2020-01-01'), max: new Date('2030-01-01'), noInvalidDate: true }),
  });
  fc.assert(
    fc.property(fc.array(entry, { maxLength: 30 }), fc.constantFrom<ConformanceOptions['vendor']>('aidon', 'kaifa', 'kamstrup', 'generic'), (entries, vendor) => {
      const capture = entries.map((e) => ({
        reading: {
          vendor: e.vendor,
          ...(e.list !== undefined ? { list: e.list } : {}),
          ...(e.meterId !== undefined ? { meterId: e.meterId } : {}),
          ...(e.meterType !== undefined ? { meterType: e.meterType } : {}),
          timestamp: e.timestamp,
          timestampSource: e.source,
          obis: e.values as Record<DottedObis, HanValue>,
        },
        receivedAt: e.receivedAt,
      }));
      const report = checkHanConformance(capture, { vendor });
      assert.equal(report.results.length, CONFORMANCE_RULES.length);
    }),
    { numRuns: 300 },
  );
});

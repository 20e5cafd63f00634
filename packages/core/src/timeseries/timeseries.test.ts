import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { addDays, intervalsInOsloDay, parseOsloDate } from '../calendar/index.ts';
import { CoreError } from '../errors/index.ts';
import { glnFromPayload, meteringPointIdFromSequence } from '../ids/index.ts';
import { QUANTITY_KINDS, RESOLUTIONS } from '../quantities/index.ts';
import { DATAHUB_RSM012_EXAMPLE, NORWEGIAN_RSM012 } from '../../test/fixtures/timeseries/datahub-rsm012.ts';
import { DOCUMENT_ROOT, MARKET_ROLES, decodeTimeSeriesDocument, encodeTimeSeriesDocument, timeSeriesDocumentToJson } from './index.ts';
import type { TimeSeries, TimeSeriesDocument, TimeSeriesPoint } from './index.ts';

type Json = Record<string, unknown>;

function refusal(fn: () => unknown): CoreError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof CoreError, `expected a CoreError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected a CoreError');
}

// ───────────────────────────── generators ─────────────────────────────

const mrid = fc.oneof(fc.uuid(), fc.stringMatching(/^[\x21-\x7e]{1,36}$/));
const osloDay = fc.oneof(
  fc.constantFrom('2026-03-29', '2026-10-25', '2025-03-30', '2025-10-26', '2024-02-29').map((s) => parseOsloDate(s)),
  fc.integer({ min: 0, max: 36_524 }).map((n) => addDays(parseOsloDate('2000-01-01'), n)),
);
const instant = fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true });
// Quantities as meters give them (three decimals) and as arbitrary doubles; `+ 0` turns -0 into 0.
const quantity = fc.oneof(fc.integer({ min: 0, max: 10_000_000 }).map((n) => n / 1000), fc.double({ min: 0, max: 1e12, noNaN: true })).map((x) => x + 0);
const pointBody = fc.oneof(
  { weight: 1, arbitrary: fc.constant({ quality: 'missing' as const }) },
  { weight: 6, arbitrary: fc.record({ quality: fc.constantFrom('measured' as const, 'estimated' as const, 'corrected' as const), quantity }, { noNullPrototype: true }) },
);

const series: fc.Arbitrary<TimeSeries> = fc
  .record({
    mRID: mrid,
    version: fc.integer({ min: 1, max: 1_000_000 }),
    replaces: fc.option(mrid, { nil: undefined }),
    sequence: fc.integer({ min: 0, max: 99_999_999 }),
    kind: fc.constantFrom(...QUANTITY_KINDS),
    resolution: fc.constantFrom(...RESOLUTIONS),
    date: osloDay,
    registeredAt: instant,
  }, { noNullPrototype: true })
  .chain((s) => {
    const n = intervalsInOsloDay(s.date, s.resolution);
    return fc.array(pointBody, { minLength: n, maxLength: n }).map(
      (bodies): TimeSeries => ({
        mRID: s.mRID,
        version: s.version,
        ...(s.replaces !== undefined ? { replacesSeriesMRID: s.replaces } : {}),
        meteringPointId: meteringPointIdFromSequence(s.sequence),
        kind: s.kind,
        resolution: s.resolution,
        date: s.date,
        registeredAt: s.registeredAt,
        points: bodies.map((b, i): TimeSeriesPoint => ({ position: i + 1, ...b })),
      }),
    );
  });

const gln = fc.stringMatching(/^\d{12}$/).map(glnFromPayload);
const participant = fc.record({ gln, role: fc.constantFrom(...MARKET_ROLES) }, { noNullPrototype: true });
const documents: fc.Arbitrary<TimeSeriesDocument> = fc.record({
  mRID: mrid,
  createdAt: instant,
  sender: participant,
  receiver: participant,
  series: fc.array(series, { minLength: 1, maxLength: 3 }),
}, { noNullPrototype: true });

// ───────────────────────────── fixtures ─────────────────────────────

test('the published DataHub RSM-012 example is read up to its Danish metering point', () => {
  const e = refusal(() => decodeTimeSeriesDocument(DATAHUB_RSM012_EXAMPLE));
  assert.equal(e.code, 'INVALID_GSRN');
  assert.equal(e.reason, 'prefix');
  assert.equal(e.path, 'Series[0].marketEvaluationPoint.mRID.value');
  // With a Norwegian id, the next refusal is its A05 (incomplete) point.
  const norwegianId = DATAHUB_RSM012_EXAMPLE.replace('571313000000002000', '707057500000000018');
  const a05 = refusal(() => decodeTimeSeriesDocument(norwegianId));
  assert.equal(a05.code, 'INVALID_QUALITY');
  assert.equal(a05.path, 'Series[0].Period.Point[4].quality.value');
  // And without it, the hours 7–24 it does not carry.
  const missing = refusal(() => decodeTimeSeriesDocument(norwegianId.replace('"A05"', '"A03"')));
  assert.equal(missing.code, 'INVALID_POSITIONS');
  assert.match(missing.message, /2024-06-29 has 24 intervals of PT60M; position\(s\) 7–24 are missing/);
});

test('the Norwegian variant decodes: PT1H as PT60M, E18 as export, no quality as measured', () => {
  const doc = decodeTimeSeriesDocument(NORWEGIAN_RSM012);
  assert.equal(doc.mRID, '111131835');
  assert.equal(doc.createdAt.toISOString(), '2024-07-30T07:30:54.000Z');
  assert.deepEqual(doc.sender, { gln: '5799999933318', role: 'MDR' });
  assert.deepEqual(doc.receiver, { gln: '5790001330552', role: 'DGL' });
  const [s] = doc.series;
  assert.ok(s);
  assert.equal(s.mRID, '4413675032_5080574373');
  assert.equal(s.version, 1);
  assert.equal(s.replacesSeriesMRID, 'C1875000');
  assert.equal(s.meteringPointId, '707057500000000018');
  assert.equal(s.kind, 'active-export');
  assert.equal(s.resolution, 'PT60M');
  assert.equal(s.date, '2024-06-29');
  assert.equal(s.registeredAt.toISOString(), '2022-12-17T07:30:00.000Z');
  assert.equal(s.points.length, 24);
  assert.deepEqual(s.points.slice(0, 6), [
    { position: 1, quality: 'estimated', quantity: 242 },
    { position: 2, quality: 'measured', quantity: 242 },
    { position: 3, quality: 'measured', quantity: 222 },
    { position: 4, quality: 'measured', quantity: 202 },
    { position: 5, quality: 'estimated', quantity: 191 },
    { position: 6, quality: 'missing' },
  ]);
  // Written back in this profile's canonical form, it reads the same.
  const again = encodeTimeSeriesDocument(doc);
  assert.deepEqual(decodeTimeSeriesDocument(again), doc);
  const period = (JSON.parse(again) as { [DOCUMENT_ROOT]: { Series: { Period: Json }[] } })[DOCUMENT_ROOT].Series[0]?.Period;
  assert.deepEqual(period?.timeInterval, { start: { value: '2024-06-28T22:00Z' }, end: { value: '2024-06-29T22:00Z' } });
  assert.equal(period?.resolution, 'PT60M');
});

// ───────────────────────────── round trips ─────────────────────────────

test('property: decode(encode(doc)) deep-equals doc, and encoding is stable', () => {
  fc.assert(
    fc.property(documents, (doc) => {
      const text = encodeTimeSeriesDocument(doc);
      const back = decodeTimeSeriesDocument(text);
      assert.deepStrictEqual(back, doc);
      assert.equal(encodeTimeSeriesDocument(back), text);
      assert.deepStrictEqual(decodeTimeSeriesDocument(timeSeriesDocumentToJson(doc)), doc);
    }),
    { numRuns: 300 },
  );
});

test('property: points in any order decode to the same series', () => {
  fc.assert(
    fc.property(documents, fc.integer(), (doc, seed) => {
      const json = JSON.parse(encodeTimeSeriesDocument(doc)) as { [DOCUMENT_ROOT]: { Series: { Period: { Point: unknown[] } }[] } };
      for (const s of json[DOCUMENT_ROOT].Series) {
        const points = s.Period.Point;
        // A deterministic shuffle driven by the seed.
        for (let i = points.length - 1, r = seed; i > 0; i--) {
          r = (Math.imul(r, 1_103_515_245) + 12_345) | 0;
          const j = Math.abs(r) % (i + 1);
          [points[i], points[j]] = [points[j], points[i]];
        }
      }
      assert.deepStrictEqual(decodeTimeSeriesDocument(json), doc);
    }),
    { numRuns: 50 },
  );
});

test('DST days: 100 quarter-hours in autumn, 23 hours in spring, with the right UTC period', () => {
  const base = decodeTimeSeriesDocument(NORWEGIAN_RSM012);
  const make = (date: string, resolution: 'PT15M' | 'PT60M', n: number): TimeSeriesDocument => ({
    ...base,
    series: [
      {
        ...(base.series[0] as TimeSeries),
        date: parseOsloDate(date),
        resolution,
        points: Array.from({ length: n }, (_, i) => ({ position: i + 1, quality: 'measured' as const, quantity: 0.25 })),
      },
    ],
  });
  const autumn = JSON.parse(encodeTimeSeriesDocument(make('2026-10-25', 'PT15M', 100))) as { [DOCUMENT_ROOT]: { Series: { Period: Json }[] } };
  assert.deepEqual(autumn[DOCUMENT_ROOT].Series[0]?.Period.timeInterval, { start: { value: '2026-10-24T22:00Z' }, end: { value: '2026-10-25T23:00Z' } });
  const spring = JSON.parse(encodeTimeSeriesDocument(make('2026-03-29', 'PT60M', 23))) as { [DOCUMENT_ROOT]: { Series: { Period: Json }[] } };
  assert.deepEqual(spring[DOCUMENT_ROOT].Series[0]?.Period.timeInterval, { start: { value: '2026-03-28T23:00Z' }, end: { value: '2026-03-29T22:00Z' } });
  const wrongCount = refusal(() => encodeTimeSeriesDocument(make('2026-10-25', 'PT15M', 96)));
  assert.equal(wrongCount.code, 'INVALID_POSITIONS');
  assert.match(wrongCount.message, /97–100 are missing/);
  assert.equal(refusal(() => encodeTimeSeriesDocument(make('2026-03-29', 'PT60M', 24))).code, 'INVALID_POSITIONS');
});

// ───────────────────────────── refusals ─────────────────────────────

/** The Norwegian fixture as an object, changed by `edit`, then decoded: the refusal. */
function refuseEdited(edit: (doc: Json, series: Json, period: Json, points: Json[]) => void, limits = {}): CoreError {
  const top = JSON.parse(NORWEGIAN_RSM012) as Json;
  const doc = top[DOCUMENT_ROOT] as Json;
  const series = (doc.Series as Json[])[0] as Json;
  const period = series.Period as Json;
  edit(doc, series, period, period.Point as Json[]);
  return refusal(() => decodeTimeSeriesDocument(top, limits));
}

const REFUSALS: readonly [string, (doc: Json, series: Json, period: Json, points: Json[]) => void, string, string | undefined][] = [
  ['unknown document field', (doc) => (doc.extra = 1), 'INVALID_DOCUMENT', 'extra'],
  ['missing Series', (doc) => delete doc.Series, 'INVALID_DOCUMENT', 'Series'],
  ['empty Series', (doc) => (doc.Series = []), 'INVALID_DOCUMENT', 'Series'],
  ['document type E65', (doc) => (doc.type = { value: 'E65' }), 'INVALID_DOCUMENT', 'type.value'],
  ['process type', (doc) => (doc['process.processType'] = { value: 'D42' }), 'INVALID_DOCUMENT', 'process.processType.value'],
  ['business sector gas', (doc) => (doc['businessSector.type'] = { value: '27' }), 'INVALID_DOCUMENT', 'businessSector.type.value'],
  ['mRID too long', (doc) => (doc.mRID = 'x'.repeat(37)), 'INVALID_DOCUMENT', 'mRID'],
  ['mRID with a space', (doc) => (doc.mRID = 'a b'), 'INVALID_DOCUMENT', 'mRID'],
  ['created date-time not a date', (doc) => (doc.createdDateTime = '2026-02-30T00:00:00Z'), 'INVALID_DATE', 'createdDateTime'],
  ['created date-time without zone', (doc) => (doc.createdDateTime = '2026-02-03T00:00:00'), 'INVALID_DATE', 'createdDateTime'],
  ['sender GLN check digit', (doc) => (doc['sender_MarketParticipant.mRID'] = { codingScheme: 'A10', value: '5799999933319' }), 'INVALID_GLN', 'sender_MarketParticipant.mRID.value'],
  ['receiver coding scheme', (doc) => (doc['receiver_MarketParticipant.mRID'] = { codingScheme: 'A01', value: '5790001330552' }), 'INVALID_DOCUMENT', 'receiver_MarketParticipant.mRID.codingScheme'],
  ['receiver role', (doc) => (doc['receiver_MarketParticipant.marketRole.type'] = { value: 'EZ' }), 'INVALID_DOCUMENT', 'receiver_MarketParticipant.marketRole.type.value'],
  ['GSRN check digit', (_, s) => (s['marketEvaluationPoint.mRID'] = { codingScheme: 'A10', value: '707057500000000019' }), 'INVALID_GSRN', 'Series[0].marketEvaluationPoint.mRID.value'],
  ['GSRN with whitespace', (_, s) => (s['marketEvaluationPoint.mRID'] = { codingScheme: 'A10', value: ' 707057500000000018' }), 'INVALID_DOCUMENT', 'Series[0].marketEvaluationPoint.mRID.value'],
  ['version 0', (_, s) => (s.version = 0), 'INVALID_DOCUMENT', 'Series[0].version'],
  ['version as text', (_, s) => (s.version = '2'), 'INVALID_DOCUMENT', 'Series[0].version'],
  ['unit K3 with the active-energy product', (_, s) => (s['quantity_Measure_Unit.name'] = { value: 'K3' }), 'INVALID_QUANTITY_KIND', 'Series[0].quantity_Measure_Unit.name'],
  ['metering point type E20', (_, s) => (s['marketEvaluationPoint.type'] = { value: 'E20' }), 'INVALID_QUANTITY_KIND', 'Series[0].quantity_Measure_Unit.name'],
  ['resolution PT30M', (_, __, p) => (p.resolution = 'PT30M'), 'INVALID_RESOLUTION', 'Series[0].Period.resolution'],
  ['period starting at 23:00Z in summer', (_, __, p) => (p.timeInterval = { start: { value: '2024-06-28T23:00Z' }, end: { value: '2024-06-29T23:00Z' } }), 'INVALID_PERIOD', 'Series[0].Period.timeInterval.start'],
  ['period of two days', (_, __, p) => (p.timeInterval = { start: { value: '2024-06-28T22:00Z' }, end: { value: '2024-06-30T22:00Z' } }), 'INVALID_PERIOD', 'Series[0].Period.timeInterval.end'],
  ['period instant with seconds', (_, __, p) => (p.timeInterval = { start: { value: '2024-06-28T22:00:00Z' }, end: { value: '2024-06-29T22:00Z' } }), 'INVALID_DATE', 'Series[0].Period.timeInterval.start.value'],
  ['position twice', (_, __, ___, pts) => ((pts[1] as Json).position = { value: 1 }), 'INVALID_POSITIONS', 'Series[0].Period.Point[1].position.value'],
  ['position 0', (_, __, ___, pts) => ((pts[0] as Json).position = { value: 0 }), 'INVALID_POSITIONS', 'Series[0].Period.Point[0].position.value'],
  ['position 25 on a 24-hour day', (_, __, ___, pts) => ((pts[0] as Json).position = { value: 25 }), 'INVALID_POSITIONS', 'Series[0].Period.Point[0].position.value'],
  ['position 1.5', (_, __, ___, pts) => ((pts[0] as Json).position = { value: 1.5 }), 'INVALID_POSITIONS', 'Series[0].Period.Point[0].position.value'],
  ['a position missing', (_, __, ___, pts) => pts.splice(10, 1), 'INVALID_POSITIONS', 'Series[0].Period.Point'],
  ['more points than intervals', (_, __, ___, pts) => pts.push({ position: { value: 25 }, quantity: 1 }), 'INVALID_POSITIONS', 'Series[0].Period.Point'],
  ['negative quantity', (_, __, ___, pts) => ((pts[2] as Json).quantity = -0.001), 'INVALID_QUANTITY', 'Series[0].Period.Point[2].quantity'],
  ['quantity as text', (_, __, ___, pts) => ((pts[2] as Json).quantity = '1.0'), 'INVALID_QUANTITY', 'Series[0].Period.Point[2].quantity'],
  ['infinite quantity (parsed input)', (_, __, ___, pts) => ((pts[2] as Json).quantity = Number.POSITIVE_INFINITY), 'INVALID_QUANTITY', 'Series[0].Period.Point[2].quantity'],
  ['NaN quantity (parsed input)', (_, __, ___, pts) => ((pts[2] as Json).quantity = Number.NaN), 'INVALID_QUANTITY', 'Series[0].Period.Point[2].quantity'],
  ['quantity on a missing value', (_, __, ___, pts) => ((pts[5] as Json).quantity = 0), 'INVALID_QUANTITY', 'Series[0].Period.Point[5].quantity'],
  ['measured value without quantity', (_, __, ___, pts) => delete (pts[1] as Json).quantity, 'INVALID_QUANTITY', 'Series[0].Period.Point[1].quantity'],
  ['quality A06', (_, __, ___, pts) => ((pts[0] as Json).quality = { value: 'A06' }), 'INVALID_QUALITY', 'Series[0].Period.Point[0].quality.value'],
  ['unknown point field', (_, __, ___, pts) => ((pts[0] as Json).note = 'x'), 'INVALID_DOCUMENT', 'Series[0].Period.Point[0].note'],
  ['Point not an array', (_, __, p) => (p.Point = {}), 'INVALID_DOCUMENT', 'Series[0].Period.Point'],
];

for (const [name, edit, code, path] of REFUSALS) {
  test(`refused: ${name} → ${code}`, () => {
    const e = refuseEdited(edit);
    assert.equal(e.code, code, e.message);
    assert.equal(e.path, path, e.message);
    if (path) assert.ok(e.message.endsWith(`(in ${path})`));
  });
}

test('refused: not JSON, not an object, another document, too many series', () => {
  assert.equal(refusal(() => decodeTimeSeriesDocument('{"NotifyValidated')).code, 'INVALID_JSON');
  assert.equal(refusal(() => decodeTimeSeriesDocument('[]')).code, 'INVALID_DOCUMENT');
  assert.equal(refusal(() => decodeTimeSeriesDocument(null)).code, 'INVALID_DOCUMENT');
  assert.equal(refusal(() => decodeTimeSeriesDocument({ RequestValidatedMeasureData_MarketDocument: {} })).path, 'RequestValidatedMeasureData_MarketDocument');
  const tooMany = refuseEdited((doc) => (doc.Series = [...(doc.Series as Json[]), ...(doc.Series as Json[])]), { maxSeries: 1 });
  assert.equal(tooMany.code, 'LIMIT_EXCEEDED');
});

test('date-times with an offset are read as the instant they name', () => {
  const top = JSON.parse(NORWEGIAN_RSM012) as Json;
  (top[DOCUMENT_ROOT] as Json).createdDateTime = '2024-07-30T09:30:54.5+02:00';
  assert.equal(decodeTimeSeriesDocument(top).createdAt.toISOString(), '2024-07-30T07:30:54.500Z');
  (top[DOCUMENT_ROOT] as Json).createdDateTime = '2024-07-30T09:30:54+15:00';
  assert.equal(refusal(() => decodeTimeSeriesDocument(top)).code, 'INVALID_DATE');
});

test('the encoder refuses what the decoder would refuse', () => {
  const doc = decodeTimeSeriesDocument(NORWEGIAN_RSM012);
  const s = doc.series[0] as TimeSeries;
  const withPoints = (points: TimeSeriesPoint[]) => ({ ...doc, series: [{ ...s, points }] });
  const nan = refusal(() => encodeTimeSeriesDocument(withPoints(s.points.map((p, i) => (i === 3 ? { position: 4, quality: 'measured', quantity: Number.NaN } : p)))));
  assert.equal(nan.code, 'INVALID_QUANTITY');
  assert.equal(nan.path, 'Series[0].Period.Point[3].quantity');
  assert.equal(refusal(() => encodeTimeSeriesDocument(withPoints(s.points.map((p, i) => (i === 3 ? { position: 4, quality: 'measured', quantity: -1 } : p))))).code, 'INVALID_QUANTITY');
  assert.equal(refusal(() => encodeTimeSeriesDocument(withPoints(s.points.slice(1)))).code, 'INVALID_POSITIONS');
  const badDate = refusal(() => encodeTimeSeriesDocument({ ...doc, series: [{ ...s, date: '2026-02-30' as typeof s.date }] }));
  assert.equal(badDate.code, 'INVALID_DATE');
  assert.equal(badDate.path, 'series[0].date');
  assert.equal(refusal(() => encodeTimeSeriesDocument({ ...doc, createdAt: new Date(Number.NaN) })).path, 'createdAt');
  assert.equal(refusal(() => encodeTimeSeriesDocument({ ...doc, series: [{ ...s, meteringPointId: '707057500000000019' as typeof s.meteringPointId }] })).code, 'INVALID_GSRN');
  assert.equal(refusal(() => encodeTimeSeriesDocument({ ...doc, series: [{ ...s, version: 0 }] })).code, 'INVALID_DOCUMENT');
  assert.equal(refusal(() => encodeTimeSeriesDocument({ ...doc, series: [] })).code, 'INVALID_DOCUMENT');
});

// ───────────────────────────── fuzzing ─────────────────────────────

function only(fn: () => unknown): void {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof CoreError)) throw e;
  }
}

test('fuzz: random JSON values and random text give only CoreError', () => {
  fc.assert(
    fc.property(fc.oneof(fc.jsonValue(), fc.string(), fc.json()), (v) => only(() => decodeTimeSeriesDocument(v))),
    { numRuns: 2000 },
  );
});

/** Every path to a value inside `v`. */
function paths(v: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (typeof v !== 'object' || v === null) return [prefix];
  const entries = Array.isArray(v) ? v.map((x, i) => [i, x] as const) : Object.entries(v as Json);
  return [prefix, ...entries.flatMap(([k, x]) => paths(x, [...prefix, k]))];
}

test('fuzz: valid documents with one value replaced or removed give a document or a CoreError', () => {
  fc.assert(
    fc.property(documents, fc.nat(), fc.option(fc.jsonValue({ maxDepth: 2 }), { nil: undefined }), (doc, pick, replacement) => {
      const json = JSON.parse(encodeTimeSeriesDocument(doc)) as Json;
      const all = paths(json).filter((p) => p.length > 0);
      const path = all[pick % all.length] as (string | number)[];
      let parent: unknown = json;
      for (const k of path.slice(0, -1)) parent = (parent as Record<string | number, unknown>)[k];
      const last = path[path.length - 1] as string | number;
      if (replacement === undefined) {
        if (Array.isArray(parent)) parent.splice(Number(last), 1);
        else delete (parent as Json)[last];
      } else {
        (parent as Record<string | number, unknown>)[last] = replacement;
      }
      only(() => decodeTimeSeriesDocument(JSON.stringify(json)));
    }),
    { numRuns: 1000 },
  );
});

import { intervalsInOsloDay, osloDayInterval, osloDayStartingAt, parseOsloDate } from '../calendar/index.ts';
import { CoreError } from '../errors/index.ts';
import type { CoreErrorCode } from '../errors/index.ts';
import { parseGln, parseMeteringPointId } from '../ids/index.ts';
import type { Gln, MeteringPointId } from '../ids/index.ts';
import { QUANTITIES, isQuality, isQuantityKind, isResolution, parseResolution, qualityFromCim, qualityToCim, quantityKindFromCim } from '../quantities/index.ts';
import type { Quality, QuantityKind, Resolution } from '../quantities/index.ts';
import { osloDate } from '../time/index.ts';
import type { OsloDate } from '../time/index.ts';
import { DOCUMENT_ROOT } from './cim-json.ts';
import type { CimGs1Id, CimMarketDocument, CimPoint, CimSeries, CimTimeSeriesJson } from './cim-json.ts';
import { MARKET_ROLES } from './time-series.ts';
import type { MarketParticipant, MarketRole, TimeSeries, TimeSeriesDocument, TimeSeriesPoint } from './time-series.ts';

/** Limits for decoding untrusted documents. */
export interface TimeSeriesDecodeLimits {
  /** Most series one document may hold (default {@link DEFAULT_MAX_SERIES}). */
  readonly maxSeries: number;
}

/** Default for {@link TimeSeriesDecodeLimits.maxSeries}: about five times DataHub's bulk files of ~2,000 series. */
export const DEFAULT_MAX_SERIES = 10_000;

/** Options of {@link encodeTimeSeriesDocument}. */
export interface TimeSeriesEncodeOptions {
  /** Indent the JSON by two spaces (default: compact). */
  readonly pretty?: boolean;
}

const MRID = /^[\x21-\x7e]{1,36}$/;
const YMDHM = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})Z$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})$/;

// ───────────────────────────── encoding ─────────────────────────────

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

function checkInstant(d: unknown, path: string): Date {
  if (!(d instanceof Date) || Number.isNaN(d.getTime())) throw new CoreError('INVALID_DATE', 'expected a valid Date', { path });
  return d;
}

/** `2026-03-30T05:00:00Z`, with `.sss` only when the milliseconds are not zero. */
function formatDateTime(d: Date): string {
  const iso = d.toISOString();
  return iso.endsWith('.000Z') ? `${iso.slice(0, -5)}Z` : iso;
}

/** `2026-03-28T23:00Z`: the ESMP `YMDHM_DateTime` form of period instants. */
function formatYmdhm(d: Date): string {
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}Z`;
}

function gs1Id(value: string): CimGs1Id {
  return { codingScheme: 'A10', value };
}

function pointToJson(p: TimeSeriesPoint, path: string): CimPoint {
  if (!isQuality(p.quality)) throw new CoreError('INVALID_QUALITY', `unknown quality '${String(p.quality)}'`, { path: `${path}.quality` });
  if (p.quality === 'missing') return { position: { value: p.position }, quality: { value: 'A02' } };
  // -0 is written as 0: JSON has no negative zero.
  return { position: { value: p.position }, quality: { value: qualityToCim(p.quality) }, quantity: p.quantity === 0 ? 0 : p.quantity };
}

function seriesToJson(s: TimeSeries, path: string): CimSeries {
  if (!isQuantityKind(s.kind)) throw new CoreError('INVALID_QUANTITY_KIND', `unknown quantity kind '${String(s.kind)}'`, { path: `${path}.kind` });
  if (!isResolution(s.resolution)) throw new CoreError('INVALID_RESOLUTION', `resolution must be PT15M or PT60M, got '${String(s.resolution)}'`, { path: `${path}.resolution` });
  const q = QUANTITIES[s.kind];
  const date = at(`${path}.date`, () => parseOsloDate(typeof s.date === 'string' ? s.date : String(s.date)));
  const { start, end } = osloDayInterval(date);
  return {
    mRID: s.mRID,
    version: s.version,
    'marketEvaluationPoint.mRID': gs1Id(s.meteringPointId),
    'marketEvaluationPoint.type': { value: q.meteringPointType },
    ...(s.replacesSeriesMRID !== undefined ? { 'originalTransactionIDReference_Series.mRID': s.replacesSeriesMRID } : {}),
    product: q.product,
    'quantity_Measure_Unit.name': { value: q.cimUnit },
    'registration_DateAndOrTime.dateTime': formatDateTime(checkInstant(s.registeredAt, `${path}.registeredAt`)),
    Period: {
      resolution: s.resolution,
      timeInterval: { start: { value: formatYmdhm(start) }, end: { value: formatYmdhm(end) } },
      Point: s.points.map((p, i) => pointToJson(p, `${path}.points[${i}]`)),
    },
  };
}

/**
 * The document as the CIM JSON object described in `cim-json.ts`, validated exactly as
 * {@link decodeTimeSeriesDocument} validates input — so whatever this returns decodes again.
 * Throws `CoreError` with the JSON path of the first problem (for a series or point, its index in
 * `doc.series` / `points`).
 */
export function timeSeriesDocumentToJson(doc: TimeSeriesDocument): CimTimeSeriesJson {
  const body: CimMarketDocument = {
    mRID: doc.mRID,
    'businessSector.type': { value: '23' },
    createdDateTime: formatDateTime(checkInstant(doc.createdAt, 'createdAt')),
    'process.processType': { value: 'E23' },
    'receiver_MarketParticipant.mRID': gs1Id(doc.receiver.gln),
    'receiver_MarketParticipant.marketRole.type': { value: doc.receiver.role },
    'sender_MarketParticipant.mRID': gs1Id(doc.sender.gln),
    'sender_MarketParticipant.marketRole.type': { value: doc.sender.role },
    type: { value: 'E66' },
    Series: doc.series.map((s, i) => seriesToJson(s, `series[${i}]`)),
  };
  const json: CimTimeSeriesJson = { [DOCUMENT_ROOT]: body };
  decodeTimeSeriesDocument(json, { maxSeries: Number.POSITIVE_INFINITY });
  return json;
}

/** The document as CIM JSON text (see `cim-json.ts` for the shape); validated like {@link timeSeriesDocumentToJson}. */
export function encodeTimeSeriesDocument(doc: TimeSeriesDocument, options: TimeSeriesEncodeOptions = {}): string {
  return JSON.stringify(timeSeriesDocumentToJson(doc), null, options.pretty ? 2 : undefined);
}

// ───────────────────────────── decoding ─────────────────────────────

type Json = Record<string, unknown>;

function fail(code: CoreErrorCode, message: string, path: string): never {
  throw new CoreError(code, message, { path });
}

/** Runs `fn`; a `CoreError` from it without a path gets `path`. */
function at<T>(path: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof CoreError && e.path === undefined) throw e.within(path);
    throw e;
  }
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

function object(v: unknown, path: string, required: readonly string[], optional: readonly string[] = []): Json {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail('INVALID_DOCUMENT', 'expected an object', path || '(root)');
  const o = v as Json;
  for (const key of Object.keys(o)) {
    if (!required.includes(key) && !optional.includes(key)) fail('INVALID_DOCUMENT', `unknown field '${key}'`, join(path, key));
  }
  for (const key of required) if (!(key in o)) fail('INVALID_DOCUMENT', `missing field '${key}'`, join(path, key));
  return o;
}

function string(v: unknown, path: string): string {
  if (typeof v !== 'string') fail('INVALID_DOCUMENT', 'expected a string', path);
  return v;
}

function mrid(v: unknown, path: string): string {
  const s = string(v, path);
  if (!MRID.test(s)) fail('INVALID_DOCUMENT', 'an mRID is 1–36 visible ASCII characters (a UUID is recommended)', path);
  return s;
}

/** `{ "value": … }` holding a string. */
function coded(v: unknown, path: string): string {
  return string(object(v, path, ['value']).value, join(path, 'value'));
}

function codedOneOf<T extends string>(v: unknown, path: string, allowed: readonly T[]): T {
  const code = coded(v, path);
  if (!(allowed as readonly string[]).includes(code)) fail('INVALID_DOCUMENT', `expected ${allowed.join(' or ')}, got '${code}'`, join(path, 'value'));
  return code as T;
}

function gs1Value(v: unknown, path: string): string {
  const o = object(v, path, ['codingScheme', 'value']);
  const scheme = string(o.codingScheme, join(path, 'codingScheme'));
  if (scheme !== 'A10') fail('INVALID_DOCUMENT', `coding scheme must be A10 (GS1), got '${scheme}'`, join(path, 'codingScheme'));
  const value = string(o.value, join(path, 'value'));
  // The parsers forgive surrounding whitespace; a document may not carry any.
  if (value.trim() !== value) fail('INVALID_DOCUMENT', 'an identifier may not have surrounding whitespace', join(path, 'value'));
  return value;
}

function participant(doc: Json, side: 'sender' | 'receiver'): MarketParticipant {
  const idKey = `${side}_MarketParticipant.mRID`;
  const roleKey = `${side}_MarketParticipant.marketRole.type`;
  const value = gs1Value(doc[idKey], idKey);
  const gln: Gln = at(join(idKey, 'value'), () => parseGln(value));
  return { gln, role: codedOneOf<MarketRole>(doc[roleKey], roleKey, MARKET_ROLES) };
}

function checkDateFields(y: number, mo: number, d: number, h: number, mi: number, s: number): boolean {
  const t = new Date(0);
  t.setUTCFullYear(y, mo - 1, d);
  t.setUTCHours(h, mi, s, 0);
  return t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d && t.getUTCHours() === h && t.getUTCMinutes() === mi && t.getUTCSeconds() === s;
}

/** An ISO 8601 date-time with seconds, `Z` or `±hh:mm` (the schema's `createdDateTime` pattern). */
function dateTime(v: unknown, path: string): Date {
  const s = string(v, path);
  const m = DATE_TIME.exec(s);
  const [y, mo, d, h, mi, sec] = m ? m.slice(1, 7).map(Number) : [];
  if (!m || y === undefined || mo === undefined || d === undefined || h === undefined || mi === undefined || sec === undefined || !checkDateFields(y, mo, d, h, mi, sec)) {
    fail('INVALID_DATE', `'${s}' is not a date-time like 2026-03-30T05:00:00Z`, path);
  }
  const zone = m[8] ?? 'Z';
  const offsetMinutes = zone === 'Z' ? 0 : (zone.startsWith('-') ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)));
  if (Math.abs(offsetMinutes) > 14 * 60 || Number(zone.slice(4, 6)) > 59) fail('INVALID_DATE', `'${s}' has an impossible UTC offset`, path);
  const millis = Number((m[7] ?? '').padEnd(3, '0').slice(0, 3));
  const t = new Date(0);
  t.setUTCFullYear(y, mo - 1, d);
  t.setUTCHours(h, mi, sec, millis);
  return new Date(t.getTime() - offsetMinutes * 60_000);
}

/** `YYYY-MM-DDThh:mmZ` inside `{ "value": … }` (the schema's `YMDHM_DateTime`). */
function ymdhm(v: unknown, path: string): Date {
  const s = coded(v, path);
  const m = YMDHM.exec(s);
  const [y, mo, d, h, mi] = m ? m.slice(1, 6).map(Number) : [];
  if (!m || y === undefined || mo === undefined || d === undefined || h === undefined || mi === undefined || !checkDateFields(y, mo, d, h, mi, 0)) {
    fail('INVALID_DATE', `'${s}' is not a UTC minute like 2026-03-28T23:00Z`, join(path, 'value'));
  }
  const t = new Date(0);
  t.setUTCFullYear(y, mo - 1, d);
  t.setUTCHours(h, mi, 0, 0);
  return t;
}

function period(v: unknown, path: string): { date: OsloDate; resolution: Resolution; points: TimeSeriesPoint[] } {
  const o = object(v, path, ['resolution', 'timeInterval', 'Point']);
  const resolution = at(join(path, 'resolution'), () => parseResolution(string(o.resolution, join(path, 'resolution'))));
  const intervalPath = join(path, 'timeInterval');
  const interval = object(o.timeInterval, intervalPath, ['start', 'end']);
  const start = ymdhm(interval.start, join(intervalPath, 'start'));
  const end = ymdhm(interval.end, join(intervalPath, 'end'));
  // A series is one Oslo day: local midnight to local midnight (Elhub VEE 2.2, D+1 delivery per day).
  const date = osloDayStartingAt(start);
  if (date === undefined) {
    const near = osloDate(start);
    fail('INVALID_PERIOD', `the period must start at Oslo midnight (${formatYmdhm(osloDayInterval(near).start)} for ${near}), got ${formatYmdhm(start)}`, join(intervalPath, 'start'));
  }
  const expectedEnd = osloDayInterval(date).end;
  if (expectedEnd.getTime() !== end.getTime()) {
    fail('INVALID_PERIOD', `the period must be exactly the Oslo day ${date}, ending ${formatYmdhm(expectedEnd)}; got ${formatYmdhm(end)}`, join(intervalPath, 'end'));
  }
  const count = intervalsInOsloDay(date, resolution);
  const pointsPath = join(path, 'Point');
  if (!Array.isArray(o.Point)) fail('INVALID_DOCUMENT', 'expected an array', pointsPath);
  const raw: readonly unknown[] = o.Point;
  if (raw.length > count) fail('INVALID_POSITIONS', `${date} has ${count} intervals of ${resolution}, got ${raw.length} points`, pointsPath);
  const byPosition: (TimeSeriesPoint | undefined)[] = new Array<TimeSeriesPoint | undefined>(count).fill(undefined);
  raw.forEach((p, i) => {
    const point = quickPoint(p, count) ?? decodePoint(p, `${pointsPath}[${i}]`, count, date, resolution);
    if (byPosition[point.position - 1]) fail('INVALID_POSITIONS', `position ${point.position} appears more than once`, `${pointsPath}[${i}].position.value`);
    byPosition[point.position - 1] = point;
  });
  const missing = byPosition.flatMap((p, i) => (p ? [] : [i + 1]));
  if (missing.length > 0) {
    fail('INVALID_POSITIONS', `${date} has ${count} intervals of ${resolution}; position(s) ${ranges(missing)} are missing`, pointsPath);
  }
  return { date, resolution, points: byPosition as TimeSeriesPoint[] };
}

/** `[1,2,3,7,9,10]` → `1–3, 7, 9–10`. */
function ranges(ns: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < ns.length; ) {
    let j = i;
    while (j + 1 < ns.length && ns[j + 1] === (ns[j] as number) + 1) j++;
    parts.push(i === j ? `${ns[i]}` : `${ns[i]}–${ns[j]}`);
    i = j + 1;
  }
  return parts.join(', ');
}

const CIM_QUALITY: Readonly<Record<string, Quality>> = { A01: 'corrected', A02: 'missing', A03: 'estimated', A04: 'measured' };

/**
 * The point when it is well formed, else `undefined` — the common case without building a single
 * path string. {@link decodePoint} then runs the same checks again to say exactly what is wrong.
 */
function quickPoint(v: unknown, count: number): TimeSeriesPoint | undefined {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
  const o = v as Json;
  for (const key in o) if (key !== 'position' && key !== 'quality' && key !== 'quantity') return undefined;
  const position = o.position;
  if (typeof position !== 'object' || position === null || Array.isArray(position)) return undefined;
  const pos = (position as Json).value;
  if (Object.keys(position).length !== 1 || typeof pos !== 'number' || !Number.isInteger(pos) || pos < 1 || pos > count) return undefined;
  let quality: Quality = 'measured';
  if (o.quality !== undefined) {
    const q = o.quality;
    if (typeof q !== 'object' || q === null || Array.isArray(q) || Object.keys(q).length !== 1) return undefined;
    const code = (q as Json).value;
    const found = typeof code === 'string' && Object.hasOwn(CIM_QUALITY, code) ? CIM_QUALITY[code] : undefined;
    if (found === undefined) return undefined;
    quality = found;
  }
  const quantity = o.quantity;
  if (quality === 'missing') return quantity === undefined ? { position: pos, quality } : undefined;
  if (typeof quantity !== 'number' || !Number.isFinite(quantity) || quantity < 0) return undefined;
  return { position: pos, quality, quantity: quantity === 0 ? 0 : quantity };
}

function decodePoint(v: unknown, path: string, count: number, date: OsloDate, resolution: Resolution): TimeSeriesPoint {
  const o = object(v, path, ['position'], ['quality', 'quantity']);
  const posPath = join(path, 'position');
  const pos = object(o.position, posPath, ['value']).value;
  if (typeof pos !== 'number' || !Number.isInteger(pos) || pos < 1 || pos > count) {
    fail('INVALID_POSITIONS', `position must be an integer 1..${count} (${date} at ${resolution}), got ${JSON.stringify(pos)}`, join(posPath, 'value'));
  }
  const qualityPath = join(path, 'quality');
  // DataHub's QuantityQualityValidationRule: no quality means A04, as provided (measured).
  const quality: Quality = o.quality === undefined ? 'measured' : at(join(qualityPath, 'value'), () => qualityFromCim(coded(o.quality, qualityPath)));
  const quantityPath = join(path, 'quantity');
  if (quality === 'missing') {
    if (o.quantity !== undefined) fail('INVALID_QUANTITY', 'a missing value (A02) has no quantity', quantityPath);
    return { position: pos, quality };
  }
  const q = o.quantity;
  if (q === undefined) fail('INVALID_QUANTITY', `quality ${qualityToCim(quality)} needs a quantity; only A02 (missing) goes without`, quantityPath);
  if (typeof q !== 'number') fail('INVALID_QUANTITY', `a quantity is a JSON number, got ${JSON.stringify(q)}`, quantityPath);
  if (!Number.isFinite(q) || q < 0) fail('INVALID_QUANTITY', `a quantity is finite and not negative, got ${q}`, quantityPath);
  return { position: pos, quality, quantity: q === 0 ? 0 : q };
}

function series(v: unknown, path: string): TimeSeries {
  const o = object(
    v,
    path,
    ['mRID', 'marketEvaluationPoint.mRID', 'marketEvaluationPoint.type', 'quantity_Measure_Unit.name', 'registration_DateAndOrTime.dateTime', 'Period'],
    ['version', 'originalTransactionIDReference_Series.mRID', 'product'],
  );
  const id = mrid(o.mRID, join(path, 'mRID'));
  let version = 1;
  if (o.version !== undefined) {
    const vs = o.version;
    if (typeof vs !== 'number' || !Number.isSafeInteger(vs) || vs < 1) fail('INVALID_DOCUMENT', `version is an integer ≥ 1, got ${JSON.stringify(vs)}`, join(path, 'version'));
    version = vs;
  }
  const replacesKey = 'originalTransactionIDReference_Series.mRID';
  const replaces = o[replacesKey] === undefined ? undefined : mrid(o[replacesKey], join(path, replacesKey));
  const mpPath = join(path, 'marketEvaluationPoint.mRID');
  const mpValue = gs1Value(o['marketEvaluationPoint.mRID'], mpPath);
  const meteringPointId: MeteringPointId = at(join(mpPath, 'value'), () => parseMeteringPointId(mpValue));
  const unitPath = join(path, 'quantity_Measure_Unit.name');
  const typePath = join(path, 'marketEvaluationPoint.type');
  const codes = {
    unit: coded(o['quantity_Measure_Unit.name'], unitPath),
    meteringPointType: coded(o['marketEvaluationPoint.type'], typePath),
    ...(o.product !== undefined ? { product: string(o.product, join(path, 'product')) } : {}),
  };
  const kind: QuantityKind = at(unitPath, () => quantityKindFromCim(codes));
  const registeredAt = dateTime(o['registration_DateAndOrTime.dateTime'], join(path, 'registration_DateAndOrTime.dateTime'));
  const p = period(o.Period, join(path, 'Period'));
  return {
    mRID: id,
    version,
    ...(replaces !== undefined ? { replacesSeriesMRID: replaces } : {}),
    meteringPointId,
    kind,
    resolution: p.resolution,
    date: p.date,
    registeredAt,
    points: p.points,
  };
}

/**
 * Reads a CIM JSON time-series document (the shape in `cim-json.ts`) from JSON text or from an
 * already parsed value, validating everything; throws `CoreError` with the JSON path of the first
 * problem (`INVALID_JSON`, `INVALID_DOCUMENT`, `INVALID_GSRN`, `INVALID_GLN`, `INVALID_DATE`,
 * `INVALID_PERIOD`, `INVALID_POSITIONS`, `INVALID_QUANTITY`, `INVALID_QUALITY`,
 * `INVALID_QUANTITY_KIND`, `INVALID_RESOLUTION`, `LIMIT_EXCEEDED`), never another error.
 *
 * Normalisations (so `encode(decode(json))` can differ from `json`, while `decode(encode(doc))`
 * always equals `doc`): points are sorted by position, `PT1H` becomes `PT60M`, a point without
 * quality becomes measured, a series without version gets version 1, `createdDateTime` and the
 * registration time are converted to UTC, `businessSector.type` is written even when absent.
 */
export function decodeTimeSeriesDocument(input: unknown, limits: Partial<TimeSeriesDecodeLimits> = {}): TimeSeriesDocument {
  const maxSeries = limits.maxSeries ?? DEFAULT_MAX_SERIES;
  let root = input;
  if (typeof input === 'string') {
    try {
      root = JSON.parse(input) as unknown;
    } catch (e) {
      throw new CoreError('INVALID_JSON', `not JSON: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
  }
  const top = object(root, '', [DOCUMENT_ROOT]);
  const doc = object(
    top[DOCUMENT_ROOT],
    '',
    [
      'mRID',
      'type',
      'createdDateTime',
      'process.processType',
      'sender_MarketParticipant.mRID',
      'sender_MarketParticipant.marketRole.type',
      'receiver_MarketParticipant.mRID',
      'receiver_MarketParticipant.marketRole.type',
      'Series',
    ],
    ['businessSector.type'],
  );
  const id = mrid(doc.mRID, 'mRID');
  codedOneOf(doc.type, 'type', ['E66']);
  codedOneOf(doc['process.processType'], 'process.processType', ['E23']);
  if (doc['businessSector.type'] !== undefined) codedOneOf(doc['businessSector.type'], 'businessSector.type', ['23']);
  const createdAt = dateTime(doc.createdDateTime, 'createdDateTime');
  const sender = participant(doc, 'sender');
  const receiver = participant(doc, 'receiver');
  if (!Array.isArray(doc.Series)) fail('INVALID_DOCUMENT', 'expected an array', 'Series');
  const rawSeries: readonly unknown[] = doc.Series;
  if (rawSeries.length === 0) fail('INVALID_DOCUMENT', 'a document carries at least one series', 'Series');
  if (rawSeries.length > maxSeries) fail('LIMIT_EXCEEDED', `${rawSeries.length} series is more than the limit of ${maxSeries}`, 'Series');
  return { mRID: id, createdAt, sender, receiver, series: rawSeries.map((s, i) => series(s, `Series[${i}]`)) };
}

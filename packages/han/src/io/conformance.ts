import { checkHanConformance, listConformanceRules } from '../conformance/index.ts';
import type { CapturedReading, ConformanceOptions, ConformanceReport } from '../conformance/index.ts';
import type { HanReaderLike } from '../pipeline/types.ts';
import type { HanCapture, HanCaptureFormat } from './capture.ts';

/** A rule left out because the capture cannot answer it, and why. */
export interface SkippedRule {
  readonly rule: string;
  readonly description: string;
  readonly reason: string;
}

/** The conformance check of a capture file. */
export interface CaptureConformance {
  readonly format: HanCaptureFormat;
  /** Events the reader produced: readings plus errors. */
  readonly frames: number;
  /** Frames that gave no reading, by error code (line noise is reported, not judged). */
  readonly decodeErrors: Readonly<Record<string, number>>;
  readonly report: ConformanceReport;
  readonly skipped: readonly SkippedRule[];
}

const CADENCE_RULES = ['list1.cadence', 'list2.cadence', 'list3.cadence'];
const RECEIVE_TIME_RULES = ['clock.sane'];

/**
 * Decodes a capture through `reader` and runs the conformance rules over the readings.
 *
 * The rules time frames by their receive time. A timestamped capture has one; a raw or hex capture
 * does not, so each reading is timed by its meter clock instead: the cadence rules then check the
 * meter's own spacing, and `clock.sane` (meter clock against receive time) is skipped. When some
 * readings carry no meter clock (Aidon List 1 and 2 have none), their time is that of the reading
 * before them, which keeps capture order, and the cadence rules are skipped too. Throws what
 * `checkHanConformance` throws (`HanError` `INVALID_VALUE` for bad options).
 */
export function checkCaptureConformance(capture: HanCapture, reader: HanReaderLike, options: ConformanceOptions): CaptureConformance {
  const timed = capture.format === 'timestamped';
  const captured: { reading: CapturedReading['reading']; receivedAt: Date | undefined }[] = [];
  const decodeErrors: Record<string, number> = {};
  let frames = 0;
  const take = (events: ReturnType<HanReaderLike['push']>, receivedAt: Date | undefined): void => {
    for (const e of events) {
      frames++;
      if (e.type === 'reading') captured.push({ reading: e.reading, receivedAt });
      else decodeErrors[e.error.code] = (decodeErrors[e.error.code] ?? 0) + 1;
    }
  };
  for (const chunk of capture.chunks) take(reader.push(chunk.bytes, chunk.receivedAt), chunk.receivedAt);
  take(reader.flush(), capture.chunks.at(-1)?.receivedAt);

  const skip = new Map<string, string>();
  let entries: CapturedReading[];
  if (timed) {
    entries = captured.map((c) => ({ reading: c.reading, receivedAt: c.receivedAt ?? new Date(Number.NaN) }));
  } else {
    for (const id of RECEIVE_TIME_RULES) skip.set(id, `a ${capture.format} capture has no receive times; record a timestamped one (openams han read --record)`);
    const allClocked = captured.every((c) => c.reading.timestampSource === 'meter');
    if (!allClocked) {
      for (const id of CADENCE_RULES) skip.set(id, `a ${capture.format} capture has no receive times and some frames carry no meter clock to time them by`);
    }
    const first = captured.find((c) => c.reading.timestampSource === 'meter');
    let lastMs = first ? Date.parse(first.reading.timestamp) : 0;
    entries = captured.map((c) => {
      if (c.reading.timestampSource === 'meter') {
        const ms = Date.parse(c.reading.timestamp);
        if (Number.isFinite(ms)) lastMs = ms;
      }
      return { reading: c.reading, receivedAt: new Date(lastMs) };
    });
  }
  const all = listConformanceRules();
  const chosen = (options.rules ?? all.map((r) => r.id)).filter((id) => !skip.has(id));
  const report = checkHanConformance(entries, { ...options, rules: chosen });
  const skipped = all
    .filter((r) => skip.has(r.id) && (options.rules === undefined || options.rules.includes(r.id)))
    .map((r) => ({ rule: r.id, description: r.description, reason: skip.get(r.id) ?? '' }));
  return { format: capture.format, frames, decodeErrors, report, skipped };
}

import type { Gln, MeteringPointId } from '../ids/index.ts';
import type { QuantityKind, Resolution } from '../quantities/index.ts';
import type { OsloDate } from '../time/index.ts';

/**
 * The market role a party acts in, as CIM `marketRole.type` codes (ebIX/UN/CEFACT role codes):
 * `MDR` metered data responsible (the grid company sending validated values), `DGL` metered data
 * administrator (the datahub receiving them), `DDM` grid access provider, `DDQ` balance supplier
 * (who may receive the series from the datahub).
 */
export type MarketRole = 'MDR' | 'DGL' | 'DDM' | 'DDQ';

/** Every market role this profile accepts. */
export const MARKET_ROLES: readonly MarketRole[] = ['MDR', 'DGL', 'DDM', 'DDQ'];

/** A party to a document: its GLN and the role it acts in. */
export interface MarketParticipant {
  readonly gln: Gln;
  readonly role: MarketRole;
}

/**
 * One value of a series. `position` is 1-based (interval index + 1). A `missing` value has no
 * quantity; every other quality carries one, in the series' unit (kWh or kvarh), non-negative and
 * finite.
 */
export type TimeSeriesPoint =
  | { readonly position: number; readonly quality: 'missing' }
  | { readonly position: number; readonly quality: 'measured' | 'estimated' | 'corrected'; readonly quantity: number };

/**
 * One metering point's validated values of one quantity for one Oslo day, in one resolution:
 * `points` holds positions 1..n in order, n = `intervalsInOsloDay(date, resolution)` (92/96/100
 * or 23/24/25).
 *
 * Corrections are sent as a new series (in a new document) for the same metering point, day and
 * quantity with a higher `version`, naming the series it replaces in `replacesSeriesMRID`; the
 * receiver keeps the highest version ("latest wins", never an update in place).
 */
export interface TimeSeries {
  /** Unique id of this series (transaction), 1–36 visible ASCII characters; a UUID is recommended. */
  readonly mRID: string;
  /** 1 for the first delivery, higher for each correction. */
  readonly version: number;
  /** The `mRID` of the series this one corrects. */
  readonly replacesSeriesMRID?: string;
  readonly meteringPointId: MeteringPointId;
  readonly kind: QuantityKind;
  readonly resolution: Resolution;
  /** The Oslo day the values belong to; the period is local midnight to local midnight. */
  readonly date: OsloDate;
  /** When the grid company registered this set of validated values. */
  readonly registeredAt: Date;
  readonly points: readonly TimeSeriesPoint[];
}

/** A document of validated time series from one party to another. */
export interface TimeSeriesDocument {
  /** Unique id of the document, 1–36 visible ASCII characters; a UUID is recommended. */
  readonly mRID: string;
  readonly createdAt: Date;
  readonly sender: MarketParticipant;
  readonly receiver: MarketParticipant;
  /** At least one series. */
  readonly series: readonly TimeSeries[];
}

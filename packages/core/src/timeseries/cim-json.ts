/**
 * The CIM JSON time-series document openams exports to the datahub: validated metered data per
 * metering point and day. It follows the IEC 62325 "assembly model" JSON of Energinet DataHub 3's
 * RSM-012 `NotifyValidatedMeasureData` (Energinet-DataHub/opengeh-edi,
 * `IncomingMessages.Domain/Schemas/Cim/Json/Schemas/Notify-Validated-measure-data-assembly-model.schema.json`,
 * example `IncomingMessages.IntegrationTests/IncomingMessages/MeteredDataForMeteringPoint.json`),
 * the CIM form Elhub is moving to from ebIX (domain.md §6).
 *
 * ```jsonc
 * {
 *   "NotifyValidatedMeasureData_MarketDocument": {
 *     "mRID": "<document id, 1–36 visible ASCII>",
 *     "businessSector.type": { "value": "23" },                 // electricity (optional on input)
 *     "createdDateTime": "2026-03-30T05:00:00Z",                // UTC, fraction when ms ≠ 0; input may use ±hh:mm
 *     "process.processType": { "value": "E23" },                // periodic metering
 *     "receiver_MarketParticipant.mRID": { "codingScheme": "A10", "value": "<GLN>" },   // A10 = GS1
 *     "receiver_MarketParticipant.marketRole.type": { "value": "DGL" },
 *     "sender_MarketParticipant.mRID": { "codingScheme": "A10", "value": "<GLN>" },
 *     "sender_MarketParticipant.marketRole.type": { "value": "MDR" },
 *     "type": { "value": "E66" },                               // validated metered data, time series
 *     "Series": [{                                              // 1 or more
 *       "mRID": "<series id>",
 *       "version": 1,                                           // openams extension, see below
 *       "marketEvaluationPoint.mRID": { "codingScheme": "A10", "value": "<GSRN 707057500…>" },
 *       "marketEvaluationPoint.type": { "value": "E17" },       // E17 import, E18 export
 *       "originalTransactionIDReference_Series.mRID": "<mRID of the series corrected>",  // optional
 *       "product": "8716867000030",                             // active 8716867000030, reactive 8716867000047
 *       "quantity_Measure_Unit.name": { "value": "KWH" },       // KWH or K3 (kvarh)
 *       "registration_DateAndOrTime.dateTime": "2026-03-30T04:55:00Z",
 *       "Period": {
 *         "resolution": "PT15M",                                // PT15M or PT60M (PT1H read as PT60M)
 *         "timeInterval": { "start": { "value": "2026-03-28T23:00Z" }, "end": { "value": "2026-03-29T22:00Z" } },
 *         "Point": [
 *           { "position": { "value": 1 }, "quality": { "value": "A04" }, "quantity": 0.412 },
 *           { "position": { "value": 2 }, "quality": { "value": "A02" } }                 // missing: no quantity
 *         ]
 *       }
 *     }]
 *   }
 * }
 * ```
 *
 * Rules the decoder enforces (each failure is a `CoreError` with the JSON path):
 * - Field names, nesting, `{ "value": … }` wrappers and `YYYY-MM-DDThh:mmZ` period instants are
 *   those of the RSM-012 schema; unknown fields are refused (the schema has
 *   `additionalProperties: false`). `type` must be `E66`, `process.processType` `E23`,
 *   `businessSector.type` (when present) `23`, coding schemes `A10`.
 * - The period is exactly one Oslo day (start at local midnight, end at the next), and the points
 *   hold every position 1..n exactly once for that day's interval count — 92/96/100 or 23/24/25,
 *   computed from UTC instants as Energinet's `PositionCountValidationRule` and Elhub's BRS-NO-313
 *   rule 13 do. Points may come in any order and are returned sorted.
 * - Quantities are JSON numbers, finite and ≥ 0. Quality `A02` (missing) has no quantity; every
 *   other quality needs one. A point without `quality` is read as `A04` (measured), as DataHub's
 *   `QuantityQualityValidationRule` does; the encoder always writes it.
 * - GLNs and the metering-point GSRN carry valid check digits; the GSRN has the Norwegian prefix.
 *
 * Corrections (issue 5, "corrections as new versions"): RSM-012 has no version field, so this
 * profile adds `Series[].version` (integer ≥ 1, 1 when absent), as DataHub 3's RSM-014
 * `NotifyAggregatedMeasureData` carries it on `Series` (opengeh-edi
 * `AssertNotifyAggregatedMeasureDataJsonDocument`), and points back with RSM-012's
 * `originalTransactionIDReference_Series.mRID`. A strict RSM-012 validator would refuse the
 * `version` field.
 *
 * Quantity mapping: (`product`, `quantity_Measure_Unit.name`, `marketEvaluationPoint.type`) name
 * one of the four quantities — see `QUANTITIES` in `quantities/`.
 */
import type { CimQualityCode } from '../quantities/index.ts';
import type { MarketRole } from './time-series.ts';

/** The top-level key of the document. */
export const DOCUMENT_ROOT = 'NotifyValidatedMeasureData_MarketDocument';

/** A coded value, `{ "value": … }`. */
export interface CimValue<T> {
  readonly value: T;
}

/** A GS1 identifier with its coding scheme (`A10` = GS1). */
export interface CimGs1Id {
  readonly codingScheme: 'A10';
  readonly value: string;
}

/** `Period.Point[]` as written. */
export interface CimPoint {
  readonly position: CimValue<number>;
  readonly quality: CimValue<CimQualityCode>;
  readonly quantity?: number;
}

/** `Series[]` as written. */
export interface CimSeries {
  readonly mRID: string;
  readonly version: number;
  readonly 'marketEvaluationPoint.mRID': CimGs1Id;
  readonly 'marketEvaluationPoint.type': CimValue<'E17' | 'E18'>;
  readonly 'originalTransactionIDReference_Series.mRID'?: string;
  readonly product: string;
  readonly 'quantity_Measure_Unit.name': CimValue<'KWH' | 'K3'>;
  readonly 'registration_DateAndOrTime.dateTime': string;
  readonly Period: {
    readonly resolution: string;
    readonly timeInterval: { readonly start: CimValue<string>; readonly end: CimValue<string> };
    readonly Point: readonly CimPoint[];
  };
}

/** The market document as written. */
export interface CimMarketDocument {
  readonly mRID: string;
  readonly 'businessSector.type': CimValue<'23'>;
  readonly createdDateTime: string;
  readonly 'process.processType': CimValue<'E23'>;
  readonly 'receiver_MarketParticipant.mRID': CimGs1Id;
  readonly 'receiver_MarketParticipant.marketRole.type': CimValue<MarketRole>;
  readonly 'sender_MarketParticipant.mRID': CimGs1Id;
  readonly 'sender_MarketParticipant.marketRole.type': CimValue<MarketRole>;
  readonly type: CimValue<'E66'>;
  readonly Series: readonly CimSeries[];
}

/** The whole JSON document as `encodeTimeSeriesDocument` writes it. */
export interface CimTimeSeriesJson {
  readonly NotifyValidatedMeasureData_MarketDocument: CimMarketDocument;
}

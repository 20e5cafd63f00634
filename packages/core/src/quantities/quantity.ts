import { CoreError } from '../errors/index.ts';

/**
 * What a series measures: active or reactive energy, imported from the grid (the customer uses
 * it) or exported to it (a prosumer feeds in). AMS meters register all four (avregningsforskriften
 * §4-2: "active and reactive energy in both directions").
 */
export type QuantityKind = 'active-import' | 'active-export' | 'reactive-import' | 'reactive-export';

/** The four quantity kinds in a fixed order (active before reactive, import before export). */
export const QUANTITY_KINDS: readonly QuantityKind[] = ['active-import', 'active-export', 'reactive-import', 'reactive-export'];

/**
 * A quantity kind with its unit and the codes the market messages use for it.
 *
 * Sources: ebIX/ENTSO-E product codes `8716867000030` active energy and `8716867000047` reactive
 * energy (Elhub's migration format lists the same, elhub.no "Utvidede sjekker på måleverdier";
 * Energinet-DataHub/opengeh-edi `Messaging.Domain/MasterData/Dictionaries/MasterDataTranslation.cs`);
 * UN/ECE Rec. 20 units `KWH` (kWh) and `K3` (kvarh) as DataHub's CIM documents write them (same
 * file: `KWh → KWH`, `KVArh → K3`); metering-point types `E17` consumption and `E18` production
 * (same file); Elhub's time-series direction `OUT` (consumption, out of the grid area) and `IN`
 * (production into it).
 */
export interface QuantityDefinition {
  readonly kind: QuantityKind;
  readonly energy: 'active' | 'reactive';
  readonly direction: 'import' | 'export';
  /** The unit values are stored and exchanged in. */
  readonly unit: 'kWh' | 'kvarh';
  /** `quantity_Measure_Unit.name` in CIM documents (UN/ECE Rec. 20). */
  readonly cimUnit: 'KWH' | 'K3';
  /** `product` in CIM documents, ebIX product identification (GS1 number). */
  readonly product: '8716867000030' | '8716867000047';
  /**
   * `marketEvaluationPoint.type` this profile writes: import as consumption (`E17`), export as
   * production (`E18`). CIM has no separate direction field in RSM-012, so the pair
   * (`product`, `marketEvaluationPoint.type`) names the quantity.
   */
  readonly meteringPointType: 'E17' | 'E18';
  /** Elhub's time-series type: `OUT` of the grid area (consumption) or `IN` (production). */
  readonly elhubDirection: 'OUT' | 'IN';
  /** The OBIS code of the meter's cumulative register for this quantity (IEC 62056-6-1). */
  readonly obis: string;
}

/** Every quantity kind with its unit and codes. */
export const QUANTITIES: Readonly<Record<QuantityKind, QuantityDefinition>> = {
  'active-import': {
    kind: 'active-import',
    energy: 'active',
    direction: 'import',
    unit: 'kWh',
    cimUnit: 'KWH',
    product: '8716867000030',
    meteringPointType: 'E17',
    elhubDirection: 'OUT',
    obis: '1-0:1.8.0.255',
  },
  'active-export': {
    kind: 'active-export',
    energy: 'active',
    direction: 'export',
    unit: 'kWh',
    cimUnit: 'KWH',
    product: '8716867000030',
    meteringPointType: 'E18',
    elhubDirection: 'IN',
    obis: '1-0:2.8.0.255',
  },
  'reactive-import': {
    kind: 'reactive-import',
    energy: 'reactive',
    direction: 'import',
    unit: 'kvarh',
    cimUnit: 'K3',
    product: '8716867000047',
    meteringPointType: 'E17',
    elhubDirection: 'OUT',
    obis: '1-0:3.8.0.255',
  },
  'reactive-export': {
    kind: 'reactive-export',
    energy: 'reactive',
    direction: 'export',
    unit: 'kvarh',
    cimUnit: 'K3',
    product: '8716867000047',
    meteringPointType: 'E18',
    elhubDirection: 'IN',
    obis: '1-0:4.8.0.255',
  },
};

/** Whether `x` is one of the four quantity kinds. */
export function isQuantityKind(x: unknown): x is QuantityKind {
  return typeof x === 'string' && (QUANTITY_KINDS as readonly string[]).includes(x);
}

/** The codes a CIM series carries for its quantity; `product` may be left out (it is optional in RSM-012). */
export interface CimQuantityCodes {
  readonly unit: string;
  readonly meteringPointType: string;
  readonly product?: string;
}

/**
 * The quantity kind a CIM series names with its unit, metering-point type and (optional) product.
 * Throws `INVALID_QUANTITY_KIND` when a code is unknown or the codes disagree (e.g. product
 * active energy with unit `K3`).
 */
export function quantityKindFromCim(codes: CimQuantityCodes): QuantityKind {
  const match = QUANTITY_KINDS.map((k) => QUANTITIES[k]).find((q) => q.cimUnit === codes.unit && q.meteringPointType === codes.meteringPointType);
  if (!match) {
    throw new CoreError(
      'INVALID_QUANTITY_KIND',
      `no quantity has unit '${codes.unit}' on metering point type '${codes.meteringPointType}'; units are KWH or K3, types E17 (import) or E18 (export)`,
    );
  }
  if (codes.product !== undefined && codes.product !== match.product) {
    throw new CoreError('INVALID_QUANTITY_KIND', `product '${codes.product}' does not match unit '${codes.unit}' (expected ${match.product})`);
  }
  return match.kind;
}

/**
 * A normalised HAN reading: what one push frame of any supported meter says, in SI units, keyed by
 * OBIS code. Decoders for every vendor and list produce this one shape, so derived values, MQTT
 * and the CLI never look at vendor details.
 */
export type HanVendor = 'aidon' | 'kaifa' | 'kamstrup' | 'generic';

/**
 * The Norwegian list a frame is: 1 (active power only, every 2–2.5 s), 2 (every 10 s: + id, type,
 * reactive power, currents, voltages), 3 (hourly: + clock and cumulative energy). Kamstrup's own
 * numbering ("list 1" every 10 s, "list 2" hourly) is mapped onto these. Absent for generic pushes
 * that follow no Norwegian list.
 */
export type HanList = 1 | 2 | 3;

/** An OBIS code as six dotted numbers, `1.0.1.7.0.255` (the form HAN tools and the CLI print). */
export type DottedObis = string & { readonly __brand: 'DottedObis' };

/** SI units after scaling. Energy is in Wh/varh (not kWh) so integers stay exact. */
export type HanUnit = 'W' | 'var' | 'VA' | 'A' | 'V' | 'Hz' | 'Wh' | 'varh' | 'VAh' | '';

/** A numeric value of a reading. */
export interface HanNumber {
  /** The value after the meter's scaler (or the vendor's implied resolution) is applied. */
  readonly value: number;
  readonly unit: HanUnit;
  /** The integer as the meter sent it, before scaling, for audits and conformance checks. */
  readonly raw?: number;
  readonly text?: undefined;
}

/** A text value of a reading: meter id, meter type, list version, a clock as sent. */
export interface HanText {
  readonly text: string;
  readonly value?: undefined;
  readonly unit?: undefined;
  readonly raw?: undefined;
}

/** One value of a reading: a number in SI units, or a text. */
export type HanValue = HanNumber | HanText;

/** Whether `v` is a numeric value (as opposed to a text). */
export function isHanNumber(v: HanValue | undefined): v is HanNumber {
  return v !== undefined && 'value' in v;
}

export interface HanReading {
  readonly vendor: HanVendor;
  readonly list?: HanList;
  /** List version id as sent, e.g. `AIDON_V0001`, `Kamstrup_V0001`, `KFM_001`. */
  readonly listVersion?: string;
  /** Meter id (GS1 number on Norwegian meters, 16 digits). */
  readonly meterId?: string;
  /** Meter type, e.g. `6534`, `MA304H3E`, `6841131BN243101040`. */
  readonly meterType?: string;
  /**
   * When the values were measured, ISO 8601 with the Europe/Oslo offset
   * (`2026-11-25T14:00:00+01:00`): the meter's clock where the frame carries one, else the
   * receive time.
   */
  readonly timestamp: string;
  readonly timestampSource: 'meter' | 'received';
  /** Every value in the frame, keyed by OBIS code; unknown codes are kept, never dropped. */
  readonly obis: Readonly<Record<DottedObis, HanValue>>;
  /** Things a person should know about this frame (e.g. "Aidon deviation 0 read as local time"). */
  readonly notes?: readonly string[];
}

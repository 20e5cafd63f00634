import type { MeterPhases, MeterVendor } from '../identity/index.ts';

/**
 * What a vendor's meters look like from the outside: the FLAG manufacturer id in the system
 * title, the GS1 number printed as the HAN meter id, meter types per phase topology, firmware.
 */
export interface VendorProfile {
  readonly vendor: MeterVendor;
  /**
   * The three-letter manufacturer id of the DLMS UA FLAG list (Green Book 4.3.4: the first three
   * bytes of the system title). Checked against a copy of the FLAG list (MeterBoard32
   * `ManufacturerId.cs`: `ADN` "Aidon Oy", `KFM` "Shenzhen Kaifa Technology", `KAM` "Kamstrup
   * Energi A/S") and against published system titles: Danish Kamstrup `4B414D 45 01A4DC52`
   * (`KAM`, 0x45, meter number 27 581 522) and Austrian/Polish Kaifa `4B464D 10 …` (`KFM`).
   * Aidon's is `ADN`, not `AID`.
   */
  readonly flagId: string;
  /**
   * First byte of the 5 serial bytes of the system title. Kamstrup 0x45 and Kaifa 0x10 are what
   * their published titles carry; Aidon's layout is not in our sources, 0x00 is an assumption.
   */
  readonly systemTitleTypeByte: number;
  /**
   * The GS1 company prefix of the 16-digit meter id the HAN lists send (OBIS 0-0:96.1.0 /
   * 1-1:0.0.5): every published id has it, then 8 digits, then a GS1 mod-10 check digit
   * (`7359992895913195` Aidon, `6970631402614476` Kaifa, `5706567202753025` Kamstrup).
   */
  readonly gs1Prefix: string;
  /** The 8 body digits are drawn from `[bodyBase, bodyBase + bodySpan)`, near the published ids. */
  readonly bodyBase: number;
  readonly bodySpan: number;
  /** Meter type as the HAN list names it, per phase topology. */
  readonly meterTypes: Readonly<Record<MeterPhases, string>>;
  /** Firmware versions with relative weights: illustrative, no vendor publishes its field mix. */
  readonly firmware: readonly (readonly [version: string, weight: number])[];
}

/**
 * The three vendor profiles. Meter types: Aidon 6515 (1P), 6525 (3P3W), 6534 (3P4W) (Aidon HAN
 * Interface Description v1.1A); Kaifa MA105H2E, MA304H3E, MA304H4 (KFM_001); Kamstrup Omnipower
 * 686-11-11x (1P), 684-11-21x (3P3W), 684-11-31x (3P4W) (HAN-NVE rev 3.1), written as the HAN list
 * sends them (`6861111BN242101040`, `6841131BN243101040` are published; the 3P3W string follows
 * the same pattern and is an assumption).
 */
export const VENDOR_PROFILES: Readonly<Record<MeterVendor, VendorProfile>> = {
  aidon: {
    vendor: 'aidon',
    flagId: 'ADN',
    systemTitleTypeByte: 0x00,
    gs1Prefix: '7359992',
    bodyBase: 80_000_000,
    bodySpan: 20_000_000,
    meterTypes: { '1p': '6515', '3p3w': '6525', '3p4w': '6534' },
    firmware: [
      ['1.5.3', 2],
      ['1.7.2', 5],
      ['2.1.0', 3],
    ],
  },
  kaifa: {
    vendor: 'kaifa',
    flagId: 'KFM',
    systemTitleTypeByte: 0x10,
    gs1Prefix: '6970631',
    bodyBase: 40_000_000,
    bodySpan: 10_000_000,
    meterTypes: { '1p': 'MA105H2E', '3p3w': 'MA304H3E', '3p4w': 'MA304H4' },
    firmware: [
      ['V1.0.6', 3],
      ['V1.1.2', 5],
      ['V1.2.0', 2],
    ],
  },
  kamstrup: {
    vendor: 'kamstrup',
    flagId: 'KAM',
    systemTitleTypeByte: 0x45,
    gs1Prefix: '5706567',
    bodyBase: 20_000_000,
    bodySpan: 60_000_000,
    meterTypes: { '1p': '6861111BN242101040', '3p3w': '6841121BN243101040', '3p4w': '6841131BN243101040' },
    firmware: [
      ['1.6.1', 2],
      ['2.0.3', 5],
      ['2.4.0', 3],
    ],
  },
};

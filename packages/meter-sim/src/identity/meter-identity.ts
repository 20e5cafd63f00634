import type { MeteringPointId } from '@openams/core';

/** The vendor profile a virtual meter imitates: its OBIS layout, HAN lists, FLAG id and quirks. */
export type MeterVendor = 'aidon' | 'kaifa' | 'kamstrup';

/** 1-phase, 3-phase 3-wire (IT grid, two currents on the HAN lists) or 3-phase 4-wire (TN). */
export type MeterPhases = '1p' | '3p3w' | '3p4w';

/** The per-meter keys of security suite 0: unique to each meter (§4-6 e). 16 bytes each. */
export interface MeterKeys {
  /** Global unicast encryption key (GUEK), the block cipher key. */
  readonly encryptionKey: Uint8Array;
  /** Authentication key (GAK). */
  readonly authenticationKey: Uint8Array;
  /** Master key (KEK): wraps new keys in Security setup key_transfer. */
  readonly masterKey: Uint8Array;
}

/**
 * Who a virtual meter is. Generated deterministically from the fleet seed and the meter's index,
 * so the same seed always gives the same fleet (and the manifest the head-end imports).
 */
export interface MeterIdentity {
  /** Index in the fleet, 0-based. */
  readonly index: number;
  readonly vendor: MeterVendor;
  /** Meter serial / logical device name suffix, digits as the vendor prints them. */
  readonly serial: string;
  /** 8 bytes: the vendor's 3-letter FLAG id and 5 bytes derived from the serial (Green Book 4.3.4). */
  readonly systemTitle: Uint8Array;
  /** Meter type as the HAN lists name it, e.g. `6534` (Aidon 3P4W), `MA304H3E` (Kaifa), `6841131BN243101040` (Kamstrup). */
  readonly meterType: string;
  readonly firmwareVersion: string;
  readonly meteringPointId: MeteringPointId;
  readonly phases: MeterPhases;
  readonly keys: MeterKeys;
}

import { CONTROL_STATE, IMAGE_TRANSFER_STATUS } from '@openams/dlms';
import type { ControlMode, ControlState, ImageTransferStatus, InvocationCounterGuard } from '@openams/dlms';

/**
 * The mutable state of one virtual meter: only what a real meter would have to remember and the
 * simulation cannot recompute from the seed (identity, keys and measurements are recomputed;
 * profile entries are never stored). Plain fields, most of them numbers, and the rarely used
 * parts (event log tail, limiter, image transfer, push settings, changed keys) allocated only
 * when first used, so that a fleet of 100,000 idle meters stays small (see the README numbers).
 */
export class MeterState {
  /** Active firmware version (1-0:0.2.0.255); changes when a new image is activated. */
  firmwareVersion: string;
  /** Clock offset, drift and drift origin: see `ClockSettings` in `time.ts`. The fault layer sets them. */
  clockOffsetMs = 0;
  clockDriftPpm = 0;
  clockDriftFromMs = 0;
  /** `METER_FLAGS` bits. */
  flags: number = METER_FLAGS.dstEnabled | METER_FLAGS.poweredOn | METER_FLAGS.imageTransferEnabled;
  /** Disconnect control (0-0:96.3.10.255) control_state and control_mode. */
  controlState: ControlState = CONTROL_STATE.connected;
  controlMode: ControlMode;
  /** capture_period in seconds of the profiles 1-0:99.1.0.255 and 1-0:99.2.0.255. */
  profile1PeriodS = 3600;
  profile2PeriodS = 900;
  /** Meter time from which each profile's buffer holds entries (installation, reset or period change). */
  profile1StartMs: number;
  profile2StartMs: number;
  readonly security = new MeterSecurityState();
  /** The newest events of the four event logs, oldest first; undefined until the first event. */
  events: EventRecord[] | undefined;
  /** Periods without supply (breaker open or power off): their energy is not registered. */
  supply: SupplyLedger | undefined;
  limiter: LimiterState | undefined;
  image: ImageTransferState | undefined;
  push: PushSettings[] | undefined;

  constructor(firmwareVersion: string, controlMode: ControlMode, installedAtMs: number) {
    this.firmwareVersion = firmwareVersion;
    this.controlMode = controlMode;
    this.profile1StartMs = installedAtMs;
    this.profile2StartMs = installedAtMs;
    this.clockDriftFromMs = installedAtMs;
  }
}

/** Bits of `MeterState.flags`. */
export const METER_FLAGS = Object.freeze({
  /** Clock attribute 8 daylight_savings_enabled. */
  dstEnabled: 0x01,
  /** Mains present; the fault layer switches it (main fuse off, outage). */
  poweredOn: 0x02,
  /** The clock lost its time (e.g. a long outage with a dead backup): status bit invalid value. */
  clockInvalid: 0x04,
  /** Fault: the next image_activate fails (status activation failed) and the firmware stays. */
  failActivation: 0x08,
  /** Image transfer attribute 5 image_transfer_enabled. */
  imageTransferEnabled: 0x10,
} as const);

/** One keys set of security suite 0 (Blue Book "Security setup" key_id 0–3). */
export interface MeterKeySet {
  /** Global unicast encryption key (key_id 0). */
  readonly encryptionKey: Uint8Array;
  /** Authentication key (key_id 2). */
  readonly authenticationKey: Uint8Array;
  /** Master key / KEK (key_id 3): unwraps transferred keys. */
  readonly masterKey: Uint8Array;
  /** Global broadcast encryption key (key_id 1), if one was ever transferred. */
  readonly broadcastKey?: Uint8Array;
}

/**
 * What the meter's security depends on, as `DlmsServer` reads it through `serveMeter`: the keys
 * of associations that start now, keys transferred but not yet in force, and the invocation
 * counters. Keys changed by key_transfer take effect when the association that transferred them
 * ends (released or its connection closed), as on real meters: the answer to key_transfer itself
 * is still protected with the old keys (OSGP's key-change flow: NEW → ACTIVE after the session).
 */
export class MeterSecurityState {
  /** Keys installed by key_transfer; undefined while the factory keys of the identity are in force. */
  keys: MeterKeySet | undefined;
  /** Keys transferred in an association that has not ended yet; `owner` is that connection. */
  pending: { readonly keys: MeterKeySet; readonly owner: object } | undefined;
  /** The next outgoing invocation counter (persisted before use: `MeterInvocationCounterStore`). */
  outgoingCounter = 0;
  /** Last accepted incoming counter per client system title, for the keys in force. */
  incoming: InvocationCounterGuard | undefined;
  /** How many key changes took effect: a new key set starts new incoming counter sequences. */
  keyChanges = 0;
}

/** Which event log an event belongs to: see `EVENT_LOGS` in `events.ts`. */
export type EventLogName = 'standard' | 'fraud' | 'disconnect' | 'powerFailure';

/** One logged event: meter time (ms) and the event code. */
export interface EventRecord {
  readonly log: EventLogName;
  readonly at: number;
  readonly code: number;
}

/** A period without supply, true time. `lost` is the energy the load would have drawn, once closed. */
export interface SupplyGap {
  readonly from: number;
  to: number | undefined;
  lost: readonly [number, number, number, number] | undefined;
}

/** The gaps of supply, newest last; older ones are merged into `base`, which counts from `baseUntil`. */
export interface SupplyLedger {
  readonly gaps: SupplyGap[];
  base: [number, number, number, number];
  baseUntil: number;
}

/** Limiter (0-0:17.0.0.255) settings and the state of its evaluation. */
export interface LimiterState {
  /** threshold_normal and threshold_emergency, W. 0 disables the limiter (domain.md §3 f: unused functions are off). */
  thresholdNormal: number;
  thresholdEmergency: number;
  /** min_over_threshold_duration and min_under_threshold_duration, s. */
  minOverS: number;
  minUnderS: number;
  /** emergency_profile: id, activation (meter time ms), duration s. */
  emergencyId: number;
  emergencyFromMs: number;
  emergencyDurationS: number;
  emergencyGroups: number[];
  /** True instant since which the value has been over (or under) the threshold. */
  overSince: number | undefined;
  underSince: number | undefined;
  /** Whether the over-threshold action has run and the under-threshold one has not since. */
  tripped: boolean;
}

/** An image transfer in progress or finished (Image transfer, 0-0:44.0.0.255). */
export interface ImageTransferState {
  identifier: Uint8Array;
  size: number;
  /** The image as received; dropped once activated. */
  data: Uint8Array | undefined;
  /** One bit per block, most significant bit of byte 0 first (image_transferred_blocks_status). */
  received: Uint8Array | undefined;
  status: ImageTransferStatus;
  /** Set by a successful image_verify. */
  verified: { readonly firmwareVersion: string; readonly signature: Uint8Array } | undefined;
}

/** The settable attributes of a push setup, once a client changed one (else the defaults hold). */
export interface PushSettings {
  destination: Uint8Array;
  transportService: number;
  windows: { readonly start: Uint8Array; readonly end: Uint8Array }[];
  randomisationS: number;
  retries: number;
  repetitionDelayS: number;
}

/** The image transfer status when no image was ever initiated. */
export const NO_IMAGE_TRANSFER: ImageTransferStatus = IMAGE_TRANSFER_STATUS.transferNotInitiated;

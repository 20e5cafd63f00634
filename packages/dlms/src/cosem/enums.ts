import { DlmsError } from '../errors/index.ts';

/**
 * Enumerations and bit fields of COSEM attributes that the head-end and the meter simulator read
 * and write as numbers. Each table maps a camel-case form of the Blue Book name to the value on
 * the wire; `cosemEnumName` goes the other way.
 */

/** The key of `table` whose value is `value`, or undefined when the value is not in the table. */
export function cosemEnumName<T extends Readonly<Record<string, number>>>(table: T, value: number): keyof T | undefined {
  for (const key of Object.keys(table)) if (table[key] === value) return key;
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Disconnect control (class_id 70)

/**
 * Disconnect control `control_state`, attribute 3 (Blue Book "Disconnect control (class_id = 70,
 * version = 0)", its table of states): `disconnected` and `readyForReconnection`
 * both have output_state FALSE; the second waits for a manual (or, in modes 5 and 6, local)
 * reconnection.
 */
export const CONTROL_STATE = Object.freeze({
  disconnected: 0,
  connected: 1,
  readyForReconnection: 2,
} as const);
/** A `control_state` value. */
export type ControlState = (typeof CONTROL_STATE)[keyof typeof CONTROL_STATE];

/**
 * Disconnect control `control_mode`, attribute 4 (same clause): which of the transitions
 * `DISCONNECT_TRANSITIONS` the object allows, see `CONTROL_MODE_TRANSITIONS`. Mode 0 means the
 * object is always `connected`.
 */
export const CONTROL_MODE = Object.freeze({
  none: 0,
  mode1: 1,
  mode2: 2,
  mode3: 3,
  mode4: 4,
  mode5: 5,
  mode6: 6,
} as const);
/** A `control_mode` value. */
export type ControlMode = (typeof CONTROL_MODE)[keyof typeof CONTROL_MODE];

/** What caused a disconnect-control transition. */
export type DisconnectTrigger = 'remote_disconnect' | 'remote_reconnect' | 'manual_disconnect' | 'manual_reconnect' | 'local_disconnect' | 'local_reconnect';

/** The letter the Blue Book gives each disconnect-control transition. */
export type DisconnectTransitionId = 'a' | 'b' | 'c' | 'd' | 'e' | 'f' | 'g' | 'h';

/** One transition of the disconnect-control state machine. */
export interface DisconnectTransition {
  readonly id: DisconnectTransitionId;
  readonly trigger: DisconnectTrigger;
  readonly from: ControlState;
  readonly to: ControlState;
}

/**
 * The transitions of the disconnect-control state machine (Blue Book "Disconnect control", its
 * table of state transitions). Remote triggers are the methods remote_disconnect (1)
 * and remote_reconnect (2); manual ones come from e.g. a push button; local ones from a function of
 * the meter such as the limiter. f and g move to the same state and differ only in their trigger.
 */
export const DISCONNECT_TRANSITIONS: Readonly<Record<DisconnectTransitionId, DisconnectTransition>> = Object.freeze({
  a: { id: 'a', trigger: 'remote_reconnect', from: CONTROL_STATE.disconnected, to: CONTROL_STATE.connected },
  b: { id: 'b', trigger: 'remote_disconnect', from: CONTROL_STATE.connected, to: CONTROL_STATE.disconnected },
  c: { id: 'c', trigger: 'remote_disconnect', from: CONTROL_STATE.readyForReconnection, to: CONTROL_STATE.disconnected },
  d: { id: 'd', trigger: 'remote_reconnect', from: CONTROL_STATE.disconnected, to: CONTROL_STATE.readyForReconnection },
  e: { id: 'e', trigger: 'manual_reconnect', from: CONTROL_STATE.readyForReconnection, to: CONTROL_STATE.connected },
  f: { id: 'f', trigger: 'manual_disconnect', from: CONTROL_STATE.connected, to: CONTROL_STATE.readyForReconnection },
  g: { id: 'g', trigger: 'local_disconnect', from: CONTROL_STATE.connected, to: CONTROL_STATE.readyForReconnection },
  h: { id: 'h', trigger: 'local_reconnect', from: CONTROL_STATE.readyForReconnection, to: CONTROL_STATE.connected },
});

/**
 * The transitions each `control_mode` enables (Blue Book "Disconnect control", attribute
 * control_mode):
 *
 * | mode | disconnection | reconnection |
 * |---|---|---|
 * | 0 | none: always connected | none |
 * | 1 | remote (b, c), manual (f), local (g) | remote (d), manual (e) |
 * | 2 | remote (b, c), manual (f), local (g) | remote (a), manual (e) |
 * | 3 | remote (b, c), local (g) | remote (d), manual (e) |
 * | 4 | remote (b, c), local (g) | remote (a), manual (e) |
 * | 5 | remote (b, c), manual (f), local (g) | remote (d), manual (e), local (h) |
 * | 6 | remote (b, c), local (g) | remote (d), manual (e), local (h) |
 *
 * So remote_reconnect goes straight to `connected` only in modes 2 and 4 (transition a); in modes
 * 1, 3, 5 and 6 it arms the breaker (d) and the customer closes it by hand (e).
 */
export const CONTROL_MODE_TRANSITIONS: Readonly<Record<ControlMode, readonly DisconnectTransitionId[]>> = Object.freeze({
  0: [],
  1: ['b', 'c', 'f', 'g', 'd', 'e'],
  2: ['b', 'c', 'f', 'g', 'a', 'e'],
  3: ['b', 'c', 'g', 'd', 'e'],
  4: ['b', 'c', 'g', 'a', 'e'],
  5: ['b', 'c', 'f', 'g', 'd', 'e', 'h'],
  6: ['b', 'c', 'g', 'd', 'e', 'h'],
});

/**
 * The state a disconnect-control object in `mode` moves to when `trigger` happens in `state`, or
 * undefined when the mode does not allow that trigger there (the object then stays as it is; a
 * remote method call answers with an error or is ignored, as the meter decides).
 */
export function nextControlState(mode: ControlMode, state: ControlState, trigger: DisconnectTrigger): ControlState | undefined {
  for (const id of CONTROL_MODE_TRANSITIONS[mode]) {
    const t = DISCONNECT_TRANSITIONS[id];
    if (t.from === state && t.trigger === trigger) return t.to;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Image transfer (class_id 18)

/**
 * Image transfer `image_transfer_status`, attribute 6 (Blue Book "Image transfer (class_id = 18,
 * version = 0)").
 */
export const IMAGE_TRANSFER_STATUS = Object.freeze({
  transferNotInitiated: 0,
  transferInitiated: 1,
  verificationInitiated: 2,
  verificationSuccessful: 3,
  verificationFailed: 4,
  activationInitiated: 5,
  activationSuccessful: 6,
  activationFailed: 7,
} as const);
/** An `image_transfer_status` value. */
export type ImageTransferStatus = (typeof IMAGE_TRANSFER_STATUS)[keyof typeof IMAGE_TRANSFER_STATUS];

// ---------------------------------------------------------------------------------------------
// Clock (class_id 8)

/**
 * Bits of the clock status byte: Clock attribute 4 `status`, and the last byte of every COSEM
 * date-time (Blue Book 4.1.6.1 "Date and time formats"). Bits 4–6 are reserved. The whole byte
 * 0xFF means "not specified" (`CLOCK_STATUS_NOT_SPECIFIED`).
 */
export const CLOCK_STATUS = Object.freeze({
  /** Time could not be recovered after an incident; the value is not valid. */
  invalidValue: 0x01,
  /** Time could be recovered, but its value cannot be guaranteed. */
  doubtfulValue: 0x02,
  /** The clock runs on another base than the one in clock_base (attribute 9). */
  differentClockBase: 0x04,
  /** At least one other bit of the status is itself not valid. */
  invalidClockStatus: 0x08,
  /** Daylight saving time is in effect. */
  daylightSavingActive: 0x80,
} as const);

/** The clock status byte of a date-time whose status is not specified. */
export const CLOCK_STATUS_NOT_SPECIFIED = 0xff;

/** Clock `clock_base`, attribute 9 (Blue Book "Clock (class_id = 8, version = 0)"). */
export const CLOCK_BASE = Object.freeze({
  notDefined: 0,
  internalCrystal: 1,
  mainsFrequency50Hz: 2,
  mainsFrequency60Hz: 3,
  gps: 4,
  radioControlled: 5,
} as const);
/** A `clock_base` value. */
export type ClockBase = (typeof CLOCK_BASE)[keyof typeof CLOCK_BASE];

// ---------------------------------------------------------------------------------------------
// Association LN (class_id 15)

/**
 * Association LN `association_status`, attribute 8 (Blue Book "Association LN (class_id = 15,
 * version = 2)"): `associationPending` while HLS passes 3 and 4 are outstanding.
 */
export const ASSOCIATION_STATUS = Object.freeze({
  nonAssociated: 0,
  associationPending: 1,
  associated: 2,
} as const);
/** An `association_status` value. */
export type AssociationStatus = (typeof ASSOCIATION_STATUS)[keyof typeof ASSOCIATION_STATUS];

// ---------------------------------------------------------------------------------------------
// Security setup (class_id 64)

/**
 * Security setup `security_policy` of version 0 objects (Blue Book "Security setup (class_id = 64,
 * version = 0)"): an enum, not bit flags. Version 1 replaced it with `SECURITY_POLICY`.
 */
export const SECURITY_POLICY_V0 = Object.freeze({
  nothing: 0,
  allMessagesAuthenticated: 1,
  allMessagesEncrypted: 2,
  allMessagesAuthenticatedAndEncrypted: 3,
} as const);

/**
 * Security setup `security_policy`, attribute 2, of version 1 objects (Blue Book "Security setup
 * (class_id = 64, version = 1)"): bit flags. Bits 0 and 1 are unused and shall be 0.
 */
export const SECURITY_POLICY = Object.freeze({
  authenticatedRequest: 0x04,
  encryptedRequest: 0x08,
  digitallySignedRequest: 0x10,
  authenticatedResponse: 0x20,
  encryptedResponse: 0x40,
  digitallySignedResponse: 0x80,
} as const);

/** A version 1 `security_policy` as flags. */
export type SecurityPolicy = { readonly [K in keyof typeof SECURITY_POLICY]: boolean };

/**
 * The flags of a version 1 `security_policy` byte. Throws `INVALID_VALUE` for a value outside
 * 0..255 or with bit 0 or 1 set (unused, "shall be 0"): such a byte is most likely a version 0
 * enum value read from a version 0 object.
 */
export function decodeSecurityPolicy(value: number): SecurityPolicy {
  if (!Number.isInteger(value) || value < 0 || value > 0xff) {
    throw new DlmsError('INVALID_VALUE', `security_policy is one byte, got ${value}`);
  }
  if (value & 0x03) {
    throw new DlmsError('INVALID_VALUE', `security_policy 0x${value.toString(16).padStart(2, '0')} sets unused bit 0 or 1 (a version 0 policy enum?)`);
  }
  const flags = {} as Record<keyof typeof SECURITY_POLICY, boolean>;
  for (const key of Object.keys(SECURITY_POLICY) as (keyof typeof SECURITY_POLICY)[]) flags[key] = (value & SECURITY_POLICY[key]) !== 0;
  return flags;
}

/** The version 1 `security_policy` byte of these flags; flags left out are false. */
export function encodeSecurityPolicy(policy: Partial<SecurityPolicy>): number {
  let value = 0;
  for (const key of Object.keys(SECURITY_POLICY) as (keyof typeof SECURITY_POLICY)[]) if (policy[key]) value |= SECURITY_POLICY[key];
  return value;
}

/**
 * Security setup `security_suite`, attribute 3 (Blue Book "Security setup"; the suites are defined
 * in the Green Book's security clause):
 * - 0: AES-GCM-128 authenticated encryption and AES-128 key wrap;
 * - 1: AES-GCM-128, ECDSA P-256 signature, ECDH P-256 key agreement, SHA-256, V.44 compression,
 *   AES-128 key wrap;
 * - 2: AES-GCM-256, ECDSA P-384 signature, ECDH P-384 key agreement, SHA-384, V.44 compression,
 *   AES-256 key wrap.
 */
export const SECURITY_SUITE = Object.freeze({
  aesGcm128: 0,
  ecdhEcdsaAesGcm128Sha256: 1,
  ecdhEcdsaAesGcm256Sha384: 2,
} as const);
/** A `security_suite` value. */
export type SecuritySuite = (typeof SECURITY_SUITE)[keyof typeof SECURITY_SUITE];

// ---------------------------------------------------------------------------------------------
// Push setup (class_id 40)

/**
 * `transport_service` of Push setup `send_destination_and_method`, attribute 3 (Blue Book "Push
 * setup (class_id = 40)"). 200..255 are manufacturer specific.
 */
export const PUSH_TRANSPORT_SERVICE = Object.freeze({
  tcp: 0,
  udp: 1,
  ftp: 2,
  smtp: 3,
  sms: 4,
  hdlc: 5,
  mBus: 6,
  zigBee: 7,
  dlmsGateway: 8,
} as const);

/**
 * `message` of Push setup `send_destination_and_method`: how the pushed data is encoded.
 * 128..255 are manufacturer specific.
 */
export const PUSH_MESSAGE_TYPE = Object.freeze({
  axdrEncodedXdlmsApdu: 0,
  xmlEncodedXdlmsApdu: 1,
} as const);

/** Push setup `push_operation_method`, attribute 11 (version 2). */
export const PUSH_OPERATION_METHOD = Object.freeze({
  /** Unconfirmed; retry when the supporting protocol layer reports a failure. */
  unconfirmedRetryOnFailure: 0,
  /** Unconfirmed; retry when the supporting protocol layer confirmation is missing. */
  unconfirmedRetryOnMissingLayerConfirmation: 1,
  /** Confirmed; retry when the confirmation is missing. */
  confirmedRetryOnMissingConfirmation: 2,
} as const);

/**
 * One element of Push setup `push_object_list`, attribute 2, as version 0 defines it: the
 * attribute to push and, for an array or structure, which element (`dataIndex` 0 = all).
 * Version 2 adds a restriction and a column selection for profiles.
 */
export interface PushObjectDefinition {
  readonly classId: number;
  /** Logical name, 6 bytes. */
  readonly logicalName: Uint8Array;
  readonly attributeIndex: number;
  readonly dataIndex: number;
}

/** Push setup `send_destination_and_method`, attribute 3. */
export interface SendDestinationAndMethod {
  /** A `PUSH_TRANSPORT_SERVICE` value or 200..255. */
  readonly transportService: number;
  /** E.g. `host:port` for TCP and UDP, a phone number for SMS; as bytes. */
  readonly destination: Uint8Array;
  /** A `PUSH_MESSAGE_TYPE` value or 128..255. */
  readonly message: number;
}

/** One element of Push setup `communication_window`, attribute 4: two 12-byte COSEM date-times. */
export interface CommunicationWindow {
  readonly startTime: Uint8Array;
  readonly endTime: Uint8Array;
}

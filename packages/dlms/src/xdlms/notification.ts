import type { DlmsData } from '../axdr/index.ts';
import type { ByteReader, ByteWriter } from '../bytes/index.ts';
import { DlmsError } from '../errors/index.ts';
import {
  decodeLongInvokeIdAndPriority,
  encodeLongInvokeIdAndPriority,
  readAttributeDescriptor,
  readData,
  readOctetString,
  readPresence,
  writeAttributeDescriptor,
  writeData,
  writeOctetString,
} from './primitives.ts';
import type { CosemAttributeDescriptor, Ctx, LongInvokeIdAndPriority } from './primitives.ts';

/** APDU tag of `data-notification [15]` (Green Book 9.5). */
export const DATA_NOTIFICATION_TAG = 0x0f;
/** APDU tag of `event-notification-request [194]`. */
export const EVENT_NOTIFICATION_REQUEST_TAG = 0xc2;

/** Tag of an A-XDR `octet-string` Data value, which some HAN meters put before the date-time. */
const OCTET_STRING_DATA_TAG = 0x09;

/**
 * `Data-Notification ::= SEQUENCE { long-invoke-id-and-priority Long-Invoke-Id-And-Priority,
 * date-time OCTET STRING, notification-body Notification-Body }` (Green Book 9.3 DataNotification service; ASN.1 in 9.5) — the
 * push of the Norwegian HAN port and of push setups.
 *
 * The date-time is an A-XDR OCTET STRING whose zero length means "not given": Aidon sends
 * `0F 40000000 00 …`, Kamstrup `0F 00000000 0C 07E1…`. Kaifa and older Kamstrup firmware instead
 * wrap it as a `Data` octet-string, `09 0C 07E1…`; that form is read too and flagged with
 * `dateTimeAsData` so the APDU re-encodes byte for byte. (A length of 9 would be a 9-byte
 * date-time, which no COSEM type has, so the 0x09 byte is unambiguous.)
 */
export interface DataNotification {
  readonly type: 'data-notification';
  readonly longInvokeIdAndPriority: LongInvokeIdAndPriority;
  /** The raw date-time bytes (normally 12, a COSEM date-time; decode with `decodeCosemDateTime`). */
  readonly dateTime?: Uint8Array;
  /** The sender wrapped the date-time in a Data octet-string (`09 len …`, Kaifa style). */
  readonly dateTimeAsData?: true;
  /** `Notification-Body ::= SEQUENCE { data-value Data }`. */
  readonly body: DlmsData;
}

/**
 * `EventNotificationRequest ::= SEQUENCE { time OCTET STRING OPTIONAL, cosem-attribute-descriptor
 * Cosem-Attribute-Descriptor, attribute-value Data }` (Green Book 9.3 EventNotification service): an unsolicited report
 * of one attribute's value.
 */
export interface EventNotificationRequest {
  readonly type: 'event-notification-request';
  /** The raw time stamp bytes (normally a 12-byte COSEM date-time). */
  readonly time?: Uint8Array;
  readonly descriptor: CosemAttributeDescriptor;
  readonly value: DlmsData;
}

/** Decode a Data-Notification after its APDU tag. */
export function decodeDataNotification(r: ByteReader, ctx: Ctx): DataNotification {
  const longInvokeIdAndPriority = decodeLongInvokeIdAndPriority(r.u32('Long-Invoke-Id-And-Priority'));
  let dateTime: Uint8Array | undefined;
  let dateTimeAsData = false;
  if (r.peekU8('the date-time length') === OCTET_STRING_DATA_TAG) {
    r.u8();
    dateTime = readOctetString(r, 'the date-time');
    dateTimeAsData = true;
  } else {
    const raw = readOctetString(r, 'the date-time');
    if (raw.length > 0) dateTime = raw;
  }
  const body = readData(r, ctx, 'data-notification.notification-body');
  return {
    type: 'data-notification',
    longInvokeIdAndPriority,
    ...(dateTime !== undefined ? { dateTime } : {}),
    ...(dateTimeAsData ? { dateTimeAsData: true as const } : {}),
    body,
  };
}

/** Encode a Data-Notification, APDU tag included, in the date-time form it was read in. */
export function encodeDataNotification(w: ByteWriter, apdu: DataNotification): void {
  w.u8(DATA_NOTIFICATION_TAG).u32(encodeLongInvokeIdAndPriority(apdu.longInvokeIdAndPriority));
  if (apdu.dateTimeAsData) {
    w.u8(OCTET_STRING_DATA_TAG);
    writeOctetString(w, apdu.dateTime ?? new Uint8Array(0));
  } else if (apdu.dateTime === undefined) {
    w.u8(0);
  } else {
    // A 0-length date-time is how "absent" is written, and a 9-byte one would read back as the
    // Kaifa form: refuse both rather than produce bytes that decode to something else.
    if (apdu.dateTime.length === 0 || apdu.dateTime.length === OCTET_STRING_DATA_TAG) {
      throw new DlmsError('INVALID_VALUE', `a data-notification date-time of ${apdu.dateTime.length} bytes cannot be encoded unambiguously; omit it or use 12 bytes`);
    }
    writeOctetString(w, apdu.dateTime);
  }
  writeData(w, apdu.body);
}

/** Decode an EventNotificationRequest after its APDU tag. */
export function decodeEventNotificationRequest(r: ByteReader, ctx: Ctx): EventNotificationRequest {
  const time = readPresence(r, 'time') ? readOctetString(r, 'the time') : undefined;
  const descriptor = readAttributeDescriptor(r);
  const value = readData(r, ctx, 'event-notification-request.attribute-value');
  return { type: 'event-notification-request', ...(time !== undefined ? { time } : {}), descriptor, value };
}

/** Encode an EventNotificationRequest, APDU tag included. */
export function encodeEventNotificationRequest(w: ByteWriter, apdu: EventNotificationRequest): void {
  w.u8(EVENT_NOTIFICATION_REQUEST_TAG);
  if (apdu.time === undefined) {
    w.u8(0);
  } else {
    w.u8(1);
    writeOctetString(w, apdu.time);
  }
  writeAttributeDescriptor(w, apdu.descriptor);
  writeData(w, apdu.value);
}

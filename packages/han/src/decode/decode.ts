import type { DataNotification } from '@openams/dlms';
import { HanError } from '../errors/index.ts';
import type { HanReading, HanVendor } from '../reading/index.ts';
import { decodeAidon } from './aidon.ts';
import type { HanListOptions } from './builder.ts';
import { detectHanVendor } from './detect.ts';
import { decipherHanPush } from './encrypted.ts';
import type { HanKeys } from './encrypted.ts';
import { decodeGeneric } from './generic.ts';
import { decodeKaifa } from './kaifa.ts';
import { decodeKamstrup } from './kamstrup.ts';
import { GENERAL_GLO_CIPHERING, decodeDataNotificationApdu } from './notification.ts';

/** Options of `decodeHanApdu`. */
export interface HanDecodeOptions extends HanListOptions, HanKeys {
  /**
   * The vendor when known (configuration, or an earlier List 2/3 of the same stream). Only
   * consulted where the content cannot tell: a one-value List 1, which Kaifa sends without any
   * id. Content that names its vendor wins; `generic` forces the generic OBIS decoder.
   */
  readonly vendor?: HanVendor;
}

/**
 * Decode one HAN APDU — a data-notification (`0F`) or a general-glo-ciphering (`DB`) around one,
 * with HDLC/M-Bus framing and the LLC header already removed — into a normalised `HanReading`.
 *
 * The vendor decoder is chosen from the content (`detectHanVendor`). Values come out in SI units
 * (W, var, A, V, Wh, varh) keyed by dotted OBIS code as sent; the timestamp is the meter's clock
 * (List 3 clock object, else the notification date-time) in Oslo offset, else `receivedAt`.
 *
 * Throws `HanError`, never anything else: TRUNCATED (cut short), NOT_A_PUSH (another APDU),
 * UNKNOWN_LIST (a push no decoder knows), KEY_REQUIRED / DECRYPT_FAILED (see `decipherHanPush`),
 * INVALID_VALUE (malformed, or a value no meter can produce), LIMIT_EXCEEDED.
 */
export function decodeHanApdu(apdu: Uint8Array, options: HanDecodeOptions): HanReading {
  if (apdu.length === 0) throw new HanError('TRUNCATED', 'empty APDU');
  if (apdu[0] === GENERAL_GLO_CIPHERING) {
    const push = decipherHanPush(apdu, options);
    const reading = decodeNotification(decodeDataNotificationApdu(push.plaintext), options);
    const how = push.authenticated ? 'deciphered and authenticated' : 'deciphered (encrypted only: no tag to check)';
    return { ...reading, notes: [`${how}, invocation counter ${push.invocationCounter}`, ...(reading.notes ?? [])] };
  }
  return decodeNotification(decodeDataNotificationApdu(apdu), options);
}

function decodeNotification(n: DataNotification, options: HanDecodeOptions): HanReading {
  const vendor = options.vendor === 'generic' ? 'generic' : detectHanVendor(n.body, options.vendor);
  switch (vendor) {
    case 'aidon':
      return decodeAidon(n, options);
    case 'kaifa':
      return decodeKaifa(n, options);
    case 'kamstrup':
      return decodeKamstrup(n, options);
    case 'generic':
      return decodeGeneric(n, options);
  }
}

import { ByteReader, ByteWriter } from '../bytes/index.ts';
import { DlmsError } from '../errors/index.ts';
import { resolveLimits } from '../limits/index.ts';
import type { DecodeLimits } from '../limits/index.ts';
import { AARE_TAG, decodeAareContent, writeAare } from './aare.ts';
import type { Aare } from './aare.ts';
import { AARQ_TAG, decodeAarqContent, writeAarq } from './aarq.ts';
import type { Aarq } from './aarq.ts';
import { expectElement, hex2 } from './ber.ts';
import { within } from './components.ts';
import { RLRE_TAG, RLRQ_TAG, decodeRlreContent, decodeRlrqContent, writeRlre, writeRlrq } from './release.ts';
import type { Rlre, Rlrq } from './release.ts';

/** Any ACSE APDU DLMS uses (Green Book 9.3, ASN.1 in 9.5), discriminated on `type`. */
export type AcseApdu = Aarq | Aare | Rlrq | Rlre;

/** The first bytes of the four ACSE APDUs: [APPLICATION 0..3], constructed. */
export const ACSE_TAGS: ReadonlySet<number> = new Set([AARQ_TAG, AARE_TAG, RLRQ_TAG, RLRE_TAG]);

/**
 * Decode one complete AARQ, AARE, RLRQ or RLRE. Throws `DlmsError`: `UNSUPPORTED_TAG` for another
 * first byte or an unknown component (with its offset), `TRUNCATED` when the input ends early,
 * `TRAILING_BYTES` after the APDU, `LIMIT_EXCEEDED` above `maxApduSize`.
 *
 * Tolerant where the standard allows what real meters send, strict where exactness or the
 * association state needs it:
 * - accepted: BER and A-XDR lengths in a long form longer than needed (X.690 8.1.3.5; such an
 *   APDU decodes to the same value as its shortest form and re-encodes in the shortest form);
 *   diagnostics and release reasons the Green Book does not name (kept as numbers);
 * - refused: an AARE `result` other than accepted / rejected-permanent / rejected-transient
 *   (INVALID_VALUE), components repeated or out of ASN.1 order, INTEGERs and OID sub-identifiers
 *   longer than needed, A-XDR presence flags other than 00/01.
 */
export function decodeAcseApdu(bytes: Uint8Array, limits?: Partial<DecodeLimits>): AcseApdu {
  const l = resolveLimits(limits);
  if (bytes.length > l.maxApduSize) {
    throw new DlmsError('LIMIT_EXCEEDED', `ACSE APDU of ${bytes.length} bytes exceeds maxApduSize ${l.maxApduSize}`, { offset: 0 });
  }
  const r = new ByteReader(bytes);
  const tag = r.peekU8('the ACSE APDU tag');
  switch (tag) {
    case AARQ_TAG: {
      const content = expectElement(r, AARQ_TAG, 'the AARQ');
      r.expectEnd('the AARQ');
      return within('aarq', () => decodeAarqContent(content, l, 0));
    }
    case AARE_TAG: {
      const content = expectElement(r, AARE_TAG, 'the AARE');
      r.expectEnd('the AARE');
      return within('aare', () => decodeAareContent(content, l, 0));
    }
    case RLRQ_TAG: {
      const content = expectElement(r, RLRQ_TAG, 'the RLRQ');
      r.expectEnd('the RLRQ');
      return within('rlrq', () => decodeRlrqContent(content, l));
    }
    case RLRE_TAG: {
      const content = expectElement(r, RLRE_TAG, 'the RLRE');
      r.expectEnd('the RLRE');
      return within('rlre', () => decodeRlreContent(content, l));
    }
    default:
      throw new DlmsError('UNSUPPORTED_TAG', `0x${hex2(tag)} is not an ACSE APDU tag (60 AARQ, 61 AARE, 62 RLRQ, 63 RLRE)`, { offset: 0 });
  }
}

/**
 * Encode an ACSE APDU, components in ASN.1 order; the inverse of `decodeAcseApdu`. Lengths are
 * always written in their shortest form (X.690 10.1, what every DLMS implementation sends), so
 * input that used longer length forms does not come back byte for byte, though it decodes to
 * the same value; all other input re-encodes exactly.
 */
export function encodeAcseApdu(apdu: AcseApdu): Uint8Array {
  const w = new ByteWriter(128);
  switch (apdu.type) {
    case 'aarq':
      writeAarq(w, apdu);
      break;
    case 'aare':
      writeAare(w, apdu);
      break;
    case 'rlrq':
      writeRlrq(w, apdu);
      break;
    case 'rlre':
      writeRlre(w, apdu);
      break;
    default:
      throw new DlmsError('INVALID_VALUE', `'${String((apdu as { type: unknown }).type)}' is not an ACSE APDU type`);
  }
  return w.finish();
}

import { ByteWriter } from '../bytes/index.ts';
import type { ByteReader } from '../bytes/index.ts';
import { DlmsError } from '../errors/index.ts';
import { resolveLimits } from '../limits/index.ts';
import type { DecodeLimits } from '../limits/index.ts';
import { readConformance, writeConformance } from './conformance.ts';
import type { Conformance } from './conformance.ts';
import { readOptionalFlag, startReader } from './axdr.ts';

/** xDLMS-APDU tag of initiate-response (Green Book 9.5, `initiateResponse [8] IMPLICIT InitiateResponse`). */
export const INITIATE_RESPONSE_TAG = 0x08;

/** vaa-name of an LN association: the Association LN object's class id (Green Book 9.3.2). */
export const VAA_NAME_LN = 0x0007;
/** vaa-name of an SN association: the base name of the Association SN object. */
export const VAA_NAME_SN = 0xfa00;

/**
 * The xDLMS InitiateResponse a server carries in the AARE's user-information when it accepts
 * (Green Book 9.3.2 and 9.5), A-XDR encoded:
 *
 * ```asn1
 * InitiateResponse ::= SEQUENCE {
 *   negotiated-quality-of-service   [0] IMPLICIT Integer8 OPTIONAL,
 *   negotiated-dlms-version-number  Unsigned8,
 *   negotiated-conformance          Conformance,
 *   server-max-receive-pdu-size     Unsigned16,
 *   vaa-name                        ObjectName
 * }
 * ```
 */
export interface InitiateResponse {
  readonly type: 'initiate-response';
  readonly negotiatedQualityOfService?: number;
  readonly negotiatedDlmsVersionNumber: number;
  readonly negotiatedConformance: Conformance;
  /** Largest APDU the server can receive. */
  readonly serverMaxReceivePduSize: number;
  /**
   * ObjectName of the virtual application association: `VAA_NAME_LN` (0x0007) for LN, the
   * Association SN base name (`VAA_NAME_SN`, 0xFA00) for SN. Kept as the unsigned 16-bit value.
   */
  readonly vaaName: number;
}

/**
 * Decode an InitiateResponse. Given bytes, they must hold exactly one response (else
 * `TRAILING_BYTES`); given a reader, one response is read from it and the reader is left after it.
 * A conformance block length in a long form (`81 04`) is accepted and re-encoded as `04`; a
 * presence flag other than 00/01 is refused.
 */
export function decodeInitiateResponse(input: Uint8Array | ByteReader, limits?: Partial<DecodeLimits>): InitiateResponse {
  const r = startReader(input, resolveLimits(limits), 'an InitiateResponse');
  const tagAt = r.offset;
  const tag = r.u8('the InitiateResponse tag');
  if (tag !== INITIATE_RESPONSE_TAG) {
    throw new DlmsError('UNSUPPORTED_TAG', `an InitiateResponse starts with 0x08, not 0x${tag.toString(16).padStart(2, '0').toUpperCase()}`, {
      offset: tagAt,
    });
  }
  const negotiatedQualityOfService = readOptionalFlag(r, 'negotiated-quality-of-service') ? r.i8('negotiated-quality-of-service') : undefined;
  const negotiatedDlmsVersionNumber = r.u8('negotiated-dlms-version-number');
  const negotiatedConformance = readConformance(r);
  const serverMaxReceivePduSize = r.u16('server-max-receive-pdu-size');
  const vaaName = r.u16('vaa-name');
  if (input instanceof Uint8Array) r.expectEnd('the InitiateResponse');
  return {
    type: 'initiate-response',
    ...(negotiatedQualityOfService !== undefined ? { negotiatedQualityOfService } : {}),
    negotiatedDlmsVersionNumber,
    negotiatedConformance,
    serverMaxReceivePduSize,
    vaaName,
  };
}

/** Encode an InitiateResponse, lengths in their shortest form; the inverse of `decodeInitiateResponse`. */
export function encodeInitiateResponse(res: InitiateResponse): Uint8Array {
  const w = new ByteWriter(16);
  writeInitiateResponse(w, res);
  return w.finish();
}

/** Write an InitiateResponse into a writer. */
export function writeInitiateResponse(w: ByteWriter, res: InitiateResponse): void {
  if (res.type !== 'initiate-response') throw new DlmsError('INVALID_VALUE', `expected an initiate-response, got '${String(res.type)}'`);
  w.u8(INITIATE_RESPONSE_TAG);
  if (res.negotiatedQualityOfService !== undefined) w.u8(1).i8(res.negotiatedQualityOfService);
  else w.u8(0);
  w.u8(res.negotiatedDlmsVersionNumber);
  writeConformance(w, res.negotiatedConformance);
  w.u16(res.serverMaxReceivePduSize).u16(res.vaaName);
}

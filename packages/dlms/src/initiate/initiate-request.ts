import { ByteWriter } from '../bytes/index.ts';
import type { ByteReader } from '../bytes/index.ts';
import { DlmsError } from '../errors/index.ts';
import { resolveLimits } from '../limits/index.ts';
import type { DecodeLimits } from '../limits/index.ts';
import { readConformance, writeConformance } from './conformance.ts';
import type { Conformance } from './conformance.ts';
import { readOptionalFlag, startReader } from './axdr.ts';

/** xDLMS-APDU tag of initiate-request (Green Book 9.5, `initiateRequest [1] IMPLICIT InitiateRequest`). */
export const INITIATE_REQUEST_TAG = 0x01;

/**
 * The xDLMS InitiateRequest a client carries in the AARQ's user-information (Green Book 9.3.2 and
 * 9.5), A-XDR encoded:
 *
 * ```asn1
 * InitiateRequest ::= SEQUENCE {
 *   dedicated-key                  OCTET STRING OPTIONAL,
 *   response-allowed               BOOLEAN DEFAULT TRUE,
 *   proposed-quality-of-service    [0] IMPLICIT Integer8 OPTIONAL,
 *   proposed-dlms-version-number   Unsigned8,
 *   proposed-conformance           Conformance,
 *   client-max-receive-pdu-size    Unsigned16
 * }
 * ```
 */
export interface InitiateRequest {
  readonly type: 'initiate-request';
  /** The dedicated key for ded- ciphering in this association; only ever sent ciphered. */
  readonly dedicatedKey?: Uint8Array;
  /**
   * response-allowed (DEFAULT TRUE). Absent when the default was used (encoded `00`); `true` or
   * `false` when the value was sent (`01 01` / `01 00`), so a decoded request re-encodes byte for
   * byte. `false` asks for an unconfirmed association, the server sends no AARE.
   */
  readonly responseAllowed?: boolean;
  readonly proposedQualityOfService?: number;
  /** 6 for DLMS UA 1000-2 ed. 8 and later. */
  readonly proposedDlmsVersionNumber: number;
  readonly proposedConformance: Conformance;
  /** Largest APDU the client can receive (bytes). */
  readonly clientMaxReceivePduSize: number;
}

/**
 * Decode an InitiateRequest. Given bytes, they must hold exactly one request (else
 * `TRAILING_BYTES`); given a reader, one request is read from it and the reader is left after it.
 *
 * The dedicated-key length and the conformance block length are accepted in a long form longer
 * than needed (`81 10` for 16; legal BER, X.690 8.1.3.5); such a request decodes to the same value
 * as the short form and re-encodes in the short form. Presence flags and BOOLEANs other than
 * 00/01 are refused.
 */
export function decodeInitiateRequest(input: Uint8Array | ByteReader, limits?: Partial<DecodeLimits>): InitiateRequest {
  const r = startReader(input, resolveLimits(limits), 'an InitiateRequest');
  const tagAt = r.offset;
  const tag = r.u8('the InitiateRequest tag');
  if (tag !== INITIATE_REQUEST_TAG) {
    throw new DlmsError('UNSUPPORTED_TAG', `an InitiateRequest starts with 0x01, not 0x${hex2(tag)}`, { offset: tagAt });
  }
  // A-XDR length (IEC 61334-6, the BER definite form): a long form longer than needed is accepted.
  const dedicatedKey = readOptionalFlag(r, 'dedicated-key') ? r.bytes(r.boundedLength('the dedicated-key length'), 'the dedicated key') : undefined;
  let responseAllowed: boolean | undefined;
  if (readOptionalFlag(r, 'response-allowed')) {
    const at = r.offset;
    const b = r.u8('response-allowed');
    // A-XDR BOOLEAN: only 00 and 01 re-encode to the same byte, so anything else is refused.
    if (b > 1) throw new DlmsError('INVALID_VALUE', `response-allowed must be 00 or 01, not 0x${hex2(b)}`, { offset: at });
    responseAllowed = b === 1;
  }
  const proposedQualityOfService = readOptionalFlag(r, 'proposed-quality-of-service') ? r.i8('proposed-quality-of-service') : undefined;
  const proposedDlmsVersionNumber = r.u8('proposed-dlms-version-number');
  const proposedConformance = readConformance(r);
  const clientMaxReceivePduSize = r.u16('client-max-receive-pdu-size');
  if (input instanceof Uint8Array) r.expectEnd('the InitiateRequest');
  return {
    type: 'initiate-request',
    ...(dedicatedKey !== undefined ? { dedicatedKey } : {}),
    ...(responseAllowed !== undefined ? { responseAllowed } : {}),
    ...(proposedQualityOfService !== undefined ? { proposedQualityOfService } : {}),
    proposedDlmsVersionNumber,
    proposedConformance,
    clientMaxReceivePduSize,
  };
}

/** Encode an InitiateRequest, lengths in their shortest form; the inverse of `decodeInitiateRequest`. */
export function encodeInitiateRequest(req: InitiateRequest): Uint8Array {
  const w = new ByteWriter(32 + (req.dedicatedKey?.length ?? 0));
  writeInitiateRequest(w, req);
  return w.finish();
}

/** Write an InitiateRequest into a writer. */
export function writeInitiateRequest(w: ByteWriter, req: InitiateRequest): void {
  if (req.type !== 'initiate-request') throw new DlmsError('INVALID_VALUE', `expected an initiate-request, got '${String(req.type)}'`);
  w.u8(INITIATE_REQUEST_TAG);
  if (req.dedicatedKey !== undefined) w.u8(1).length(req.dedicatedKey.length).bytes(req.dedicatedKey);
  else w.u8(0);
  if (req.responseAllowed !== undefined) w.u8(1).u8(req.responseAllowed ? 1 : 0);
  else w.u8(0);
  if (req.proposedQualityOfService !== undefined) w.u8(1).i8(req.proposedQualityOfService);
  else w.u8(0);
  w.u8(req.proposedDlmsVersionNumber);
  writeConformance(w, req.proposedConformance);
  w.u16(req.clientMaxReceivePduSize);
}

function hex2(b: number): string {
  return b.toString(16).padStart(2, '0').toUpperCase();
}

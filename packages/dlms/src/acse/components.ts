import { ByteReader, bytesEqual } from '../bytes/index.ts';
import type { ByteWriter } from '../bytes/index.ts';
import { DlmsError } from '../errors/index.ts';
import type { DecodeLimits } from '../limits/index.ts';
import {
  decodeInitiateRequest,
  decodeInitiateResponse,
  encodeInitiateRequest,
  encodeInitiateResponse,
  INITIATE_REQUEST_TAG,
  INITIATE_RESPONSE_TAG,
} from '../initiate/index.ts';
import type { InitiateRequest, InitiateResponse } from '../initiate/index.ts';
import {
  BER_INTEGER,
  BER_OBJECT_IDENTIFIER,
  BER_OCTET_STRING,
  expectElement,
  expectEndOf,
  hex2,
  readBitString,
  readElement,
  readInteger,
  readOid,
  writeBitString,
  writeElement,
  writeInteger,
  writeOid,
} from './ber.ts';
import type { BerBitString } from './ber.ts';
import { applicationContextFromOid, applicationContextToOid, mechanismFromOid, mechanismToOid } from './names.ts';
import type { ApplicationContextName, MechanismName } from './names.ts';

/**
 * Components shared by the ACSE APDUs (Green Book 9.5, ACSE-APDU ASN.1). The module is written
 * with EXPLICIT tags by default, so AP-title, AE-qualifier, the invocation ids, the
 * application-context-name and the authentication value sit inside a constructed context tag,
 * while ACSE-requirements, mechanism-name, implementation-information and reason are IMPLICIT.
 */

/**
 * Authentication-value (Green Book 9.5): an LLS password or an HLS challenge travels as
 * `charstring` (binary in practice, though typed GraphicString). `external` and `other` are
 * kept as their raw contents; no DLMS mechanism uses them.
 */
export type AuthenticationValue =
  | { readonly type: 'charstring'; readonly value: Uint8Array }
  | { readonly type: 'bitstring'; readonly value: BerBitString }
  | { readonly type: 'external'; readonly value: Uint8Array }
  | { readonly type: 'other'; readonly value: Uint8Array };

const AUTH_CHARSTRING = 0x80; // [0] IMPLICIT GraphicString
const AUTH_BITSTRING = 0x81; // [1] IMPLICIT BIT STRING
const AUTH_EXTERNAL = 0xa2; // [2] IMPLICIT EXTERNAL (constructed)
const AUTH_OTHER = 0xa3; // [3] IMPLICIT SEQUENCE (constructed)

/** Run `f`, adding `segment` to the path of any DlmsError it throws. */
export function within<T>(segment: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof DlmsError) throw e.within(segment);
    throw e;
  }
}

/** application-context-name: an OID inside the explicit tag, named when it is one of the four DLMS contexts. */
export function readApplicationContextName(c: ByteReader): ApplicationContextName {
  const oid = readOid(expectElement(c, BER_OBJECT_IDENTIFIER, 'application-context-name'), 'application-context-name');
  expectEndOf(c, 'application-context-name');
  return applicationContextFromOid(oid);
}

/** The inverse of `readApplicationContextName`, under context tag `tag`. */
export function writeApplicationContextName(w: ByteWriter, tag: number, name: ApplicationContextName): void {
  const oid = applicationContextToOid(name);
  writeElement(w, tag, () => writeElement(w, BER_OBJECT_IDENTIFIER, () => writeOid(w, oid, 'application-context-name')));
}

/** mechanism-name is IMPLICIT: the element's contents are the OID's contents. */
export function readMechanismName(c: ByteReader): MechanismName {
  return mechanismFromOid(readOid(c, 'mechanism-name'));
}

/** The inverse of `readMechanismName`, under context tag `tag`. */
export function writeMechanismName(w: ByteWriter, tag: number, name: MechanismName): void {
  const oid = mechanismToOid(name);
  writeElement(w, tag, () => writeOid(w, oid, 'mechanism-name'));
}

/** AP-title and AE-qualifier: an OCTET STRING inside the explicit context tag. */
export function readExplicitOctetString(c: ByteReader, what: string): Uint8Array {
  const value = expectElement(c, BER_OCTET_STRING, what).rest();
  expectEndOf(c, what);
  return value;
}

/** The inverse of `readExplicitOctetString`, under context tag `tag`. */
export function writeExplicitOctetString(w: ByteWriter, tag: number, value: Uint8Array): void {
  writeElement(w, tag, () => writeElement(w, BER_OCTET_STRING, () => w.bytes(value)));
}

/** AP- and AE-invocation-identifier, result, diagnostics: an INTEGER inside the explicit tag. */
export function readExplicitInteger(c: ByteReader, what: string): number {
  const value = readInteger(expectElement(c, BER_INTEGER, what), what);
  expectEndOf(c, what);
  return value;
}

/** The inverse of `readExplicitInteger`, under context tag `tag`. */
export function writeExplicitInteger(w: ByteWriter, tag: number, value: number, what: string): void {
  writeElement(w, tag, () => writeElement(w, BER_INTEGER, () => writeInteger(w, value, what)));
}

/** An IMPLICIT BIT STRING component (protocol-version, ACSE-requirements). */
export function writeImplicitBitString(w: ByteWriter, tag: number, bits: BerBitString, what: string): void {
  writeElement(w, tag, () => writeBitString(w, bits, what));
}

/** Authentication-value inside its explicit tag: exactly one of the four CHOICE alternatives. */
export function readAuthenticationValue(c: ByteReader): AuthenticationValue {
  const at = c.offset;
  const tag = c.peekU8('the authentication-value choice');
  if (tag !== AUTH_CHARSTRING && tag !== AUTH_BITSTRING && tag !== AUTH_EXTERNAL && tag !== AUTH_OTHER) {
    throw new DlmsError('UNSUPPORTED_TAG', `0x${hex2(tag)} is not an Authentication-value alternative (80, 81, A2, A3)`, { offset: at });
  }
  const { content } = readElement(c, 'the authentication value');
  expectEndOf(c, 'authentication-value');
  switch (tag) {
    case AUTH_CHARSTRING:
      return { type: 'charstring', value: content.rest() };
    case AUTH_BITSTRING:
      return { type: 'bitstring', value: readBitString(content, 'the authentication bit string') };
    case AUTH_EXTERNAL:
      return { type: 'external', value: content.rest() };
    default:
      return { type: 'other', value: content.rest() };
  }
}

/** The inverse of `readAuthenticationValue`, under context tag `tag`. */
export function writeAuthenticationValue(w: ByteWriter, tag: number, v: AuthenticationValue): void {
  writeElement(w, tag, () => {
    switch (v.type) {
      case 'charstring':
        writeElement(w, AUTH_CHARSTRING, () => w.bytes(v.value));
        return;
      case 'bitstring':
        writeElement(w, AUTH_BITSTRING, () => writeBitString(w, v.value, 'the authentication bit string'));
        return;
      case 'external':
        writeElement(w, AUTH_EXTERNAL, () => w.bytes(v.value));
        return;
      case 'other':
        writeElement(w, AUTH_OTHER, () => w.bytes(v.value));
        return;
      default:
        throw new DlmsError('INVALID_VALUE', `'${String((v as { type: unknown }).type)}' is not an Authentication-value alternative`);
    }
  });
}

/**
 * user-information [30] EXPLICIT Association-information (an OCTET STRING holding one xDLMS
 * APDU). Returns the bytes, and a reader over them that reports offsets into the whole input.
 */
function readUserInformation(c: ByteReader): { readonly raw: Uint8Array; readonly reader: ByteReader } {
  const octets = expectElement(c, BER_OCTET_STRING, 'user-information');
  expectEndOf(c, 'user-information');
  const at = octets.offset;
  const raw = octets.rest();
  return { raw, reader: new ByteReader(raw, at) };
}

/** user-information: the xDLMS APDU bytes as an OCTET STRING inside the explicit tag. */
export function writeUserInformation(w: ByteWriter, tag: number, raw: Uint8Array): void {
  writeExplicitOctetString(w, tag, raw);
}

/** user-information of an AARQ or RLRQ: the bytes, and the plain InitiateRequest they hold, if any. */
export interface RequestUserInformation {
  readonly userInformation: Uint8Array;
  readonly initiateRequest?: InitiateRequest;
}

/** user-information of an AARE or RLRE: the bytes, and the plain InitiateResponse they hold, if any. */
export interface ResponseUserInformation {
  readonly userInformation: Uint8Array;
  readonly initiateResponse?: InitiateResponse;
}

/**
 * The plain xDLMS APDU in user-information, decoded when the first byte is `tag` (other APDUs,
 * the ciphered ones, stay raw). If it used longer length forms than needed, `userInformation` is
 * its shortest encoding rather than the bytes as sent: the two views must agree for the APDU to
 * re-encode, and the value is the same.
 */
function embedded<T>(
  raw: Uint8Array,
  r: ByteReader,
  tag: number,
  segment: string,
  decode: (r: ByteReader) => T,
  encode: (x: T) => Uint8Array,
): { readonly bytes: Uint8Array; readonly decoded?: T } {
  if (raw[0] !== tag) return { bytes: raw };
  const decoded = within(segment, () => {
    const value = decode(r);
    r.expectEnd(`the ${segment} in user-information`);
    return value;
  });
  const shortest = encode(decoded);
  return { bytes: bytesEqual(shortest, raw) ? raw : shortest, decoded };
}

/** Read the user-information of an AARQ or RLRQ (the contents of its [30] element). */
export function readRequestUserInformation(c: ByteReader, limits: DecodeLimits): RequestUserInformation {
  const { raw, reader } = readUserInformation(c);
  const { bytes, decoded } = embedded(raw, reader, INITIATE_REQUEST_TAG, 'initiate-request', (r) => decodeInitiateRequest(r, limits), encodeInitiateRequest);
  return { userInformation: bytes, ...(decoded !== undefined ? { initiateRequest: decoded } : {}) };
}

/** Read the user-information of an AARE or RLRE (the contents of its [30] element). */
export function readResponseUserInformation(c: ByteReader, limits: DecodeLimits): ResponseUserInformation {
  const { raw, reader } = readUserInformation(c);
  const { bytes, decoded } = embedded(raw, reader, INITIATE_RESPONSE_TAG, 'initiate-response', (r) => decodeInitiateResponse(r, limits), encodeInitiateResponse);
  return { userInformation: bytes, ...(decoded !== undefined ? { initiateResponse: decoded } : {}) };
}

/**
 * The user-information bytes to send: the raw bytes when given, else the encoded xDLMS APDU.
 * When both are given (as a decoded APDU has them) they must agree, so an edit to one of them
 * cannot be silently lost.
 */
export function userInformationBytes<T>(raw: Uint8Array | undefined, decoded: T | undefined, encode: (x: T) => Uint8Array, what: string): Uint8Array | undefined {
  if (decoded === undefined) return raw;
  const encoded = encode(decoded);
  if (raw !== undefined && !bytesEqual(raw, encoded)) {
    throw new DlmsError('INVALID_VALUE', `userInformation and ${what} disagree; set one of them, or both from the same decode`);
  }
  return raw ?? encoded;
}

/**
 * Walk the components of an ACSE APDU's SEQUENCE. Each identifier must be one `known` lists and
 * come after the previous one: the ASN.1 order, which for these APDUs is ascending tag number.
 * Unknown context tags are refused (`UNSUPPORTED_TAG`), repeats and reordering too.
 */
export function readComponents(content: ByteReader, known: ReadonlyMap<number, string>, apdu: string, visit: (tag: number, body: ByteReader) => void): void {
  let last = -1;
  while (!content.atEnd) {
    const at = content.offset;
    const tag = content.peekU8(`a component of the ${apdu}`);
    const name = known.get(tag);
    if (name === undefined) {
      throw new DlmsError('UNSUPPORTED_TAG', `0x${hex2(tag)} is not a component of the ${apdu}`, { offset: at });
    }
    const number = tag & 0x1f;
    if (number <= last) {
      throw new DlmsError('INVALID_VALUE', `${name} is repeated or out of ASN.1 order in the ${apdu}`, { offset: at });
    }
    last = number;
    const { content: body } = readElement(content, name);
    within(name, () => visit(tag, body));
  }
}

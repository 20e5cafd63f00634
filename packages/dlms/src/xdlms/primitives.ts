import { decodeData, encodeData } from '../axdr/index.ts';
import type { DlmsData } from '../axdr/index.ts';
import type { ByteReader, ByteWriter } from '../bytes/index.ts';
import { DlmsError } from '../errors/index.ts';
import type { DecodeLimits } from '../limits/index.ts';
import { obisFromBytes, obisToBytes } from '../obis/obis.ts';
import type { Obis } from '../obis/obis.ts';
import { DATA_ACCESS_RESULT } from './enums.ts';
import type { DataAccessResult } from './enums.ts';

// ---------------------------------------------------------------------------------------------
// Invoke-Id-And-Priority (Green Book 9.5: Unsigned8) and Long-Invoke-Id-And-Priority (Unsigned32)
// ---------------------------------------------------------------------------------------------

/**
 * `Invoke-Id-And-Priority ::= Unsigned8` (Green Book 9.5): bits 0–3 invoke id, bits 4–5 reserved,
 * bit 6 service class (1 = confirmed), bit 7 priority (1 = high). `0xC1` is invoke id 1,
 * confirmed, high priority — the value most clients send.
 */
export interface InvokeIdAndPriority {
  /** 0–15. */
  readonly invokeId: number;
  /** Service class bit 6: the client expects a response. */
  readonly confirmed: boolean;
  /** Priority bit 7: high priority (the server may answer it before normal ones). */
  readonly highPriority: boolean;
  /** Reserved bits 4–5 (1–3), present only when a sender set them, so the byte re-encodes exactly. */
  readonly reserved?: number;
}

/** The named fields of an Invoke-Id-And-Priority byte. */
export function decodeInvokeIdAndPriority(b: number): InvokeIdAndPriority {
  const reserved = (b >> 4) & 0x03;
  return {
    invokeId: b & 0x0f,
    confirmed: (b & 0x40) !== 0,
    highPriority: (b & 0x80) !== 0,
    ...(reserved !== 0 ? { reserved } : {}),
  };
}

/** The Invoke-Id-And-Priority byte; INVALID_VALUE for an invoke id outside 0–15. */
export function encodeInvokeIdAndPriority(v: InvokeIdAndPriority): number {
  checkRange(v.invokeId, 0, 15, 'invoke id');
  const reserved = v.reserved ?? 0;
  checkRange(reserved, 0, 3, 'reserved bits of Invoke-Id-And-Priority');
  return (v.highPriority ? 0x80 : 0) | (v.confirmed ? 0x40 : 0) | (reserved << 4) | v.invokeId;
}

/**
 * `Long-Invoke-Id-And-Priority ::= Unsigned32` (Green Book 9.5, used by data-notification):
 * bits 0–23 invoke id, 24–27 reserved, bit 28 self-descriptive, bit 29 processing option
 * (1 = break on error), bit 30 service class (1 = confirmed), bit 31 priority (1 = high).
 * Norwegian HAN meters send `0x40000000` (Aidon, Kaifa: confirmed bit set) or `0x00000000`.
 */
export interface LongInvokeIdAndPriority {
  /** 0–16777215. */
  readonly invokeId: number;
  /** Bit 28: the notification body is self-descriptive. */
  readonly selfDescriptive: boolean;
  /** Bit 29, processing option: 1 = break on error, 0 = continue on error. */
  readonly breakOnError: boolean;
  /** Bit 30, service class: 1 = confirmed. */
  readonly confirmed: boolean;
  /** Bit 31: high priority. */
  readonly highPriority: boolean;
  /** Reserved bits 24–27 (1–15), present only when set, so the value re-encodes exactly. */
  readonly reserved?: number;
}

/** The named fields of a Long-Invoke-Id-And-Priority (an Unsigned32). */
export function decodeLongInvokeIdAndPriority(v: number): LongInvokeIdAndPriority {
  const reserved = (v >>> 24) & 0x0f;
  return {
    invokeId: v & 0xffffff,
    selfDescriptive: (v & 0x10000000) !== 0,
    breakOnError: (v & 0x20000000) !== 0,
    confirmed: (v & 0x40000000) !== 0,
    highPriority: (v & 0x80000000) !== 0,
    ...(reserved !== 0 ? { reserved } : {}),
  };
}

/** The Long-Invoke-Id-And-Priority value; INVALID_VALUE for an invoke id above 24 bits. */
export function encodeLongInvokeIdAndPriority(v: LongInvokeIdAndPriority): number {
  checkRange(v.invokeId, 0, 0xffffff, 'long invoke id');
  const reserved = v.reserved ?? 0;
  checkRange(reserved, 0, 15, 'reserved bits of Long-Invoke-Id-And-Priority');
  // Arithmetic, not `|`, for bit 31: JavaScript bitwise results are signed 32-bit.
  return (
    (v.highPriority ? 0x80000000 : 0) +
    (v.confirmed ? 0x40000000 : 0) +
    (v.breakOnError ? 0x20000000 : 0) +
    (v.selfDescriptive ? 0x10000000 : 0) +
    reserved * 0x1000000 +
    v.invokeId
  );
}

/** INVALID_VALUE unless `v` is an integer in `min`..`max`: encoders refuse values that would not fit their field. */
export function checkRange(v: number, min: number, max: number, what: string): void {
  if (!Number.isInteger(v) || v < min || v > max) throw new DlmsError('INVALID_VALUE', `${what} ${v} is outside ${min}..${max}`);
}

// ---------------------------------------------------------------------------------------------
// A-XDR building blocks (IEC 61334-6)
// ---------------------------------------------------------------------------------------------

/** Per-decode context: the resolved decode limits. */
export interface Ctx {
  readonly limits: DecodeLimits;
}

/** A-XDR OPTIONAL: one presence byte, 0x00 absent, 0x01 present (IEC 61334-6 clause 5). */
export function readPresence(r: ByteReader, what: string): boolean {
  const at = r.offset;
  const b = r.u8(`the presence flag of ${what}`);
  // IEC 61334-6: any other byte is malformed, not "present", or a misparse would go unnoticed.
  if (b > 1) throw new DlmsError('INVALID_VALUE', `presence flag of ${what} is 0x${hex2(b)}; A-XDR allows 00 or 01`, { offset: at });
  return b === 1;
}

/**
 * A-XDR SEQUENCE OF: an A-XDR length (the element count) then the elements. The count is checked
 * against `maxElements`, and against the bytes left (every element takes at least one), before
 * anything is read.
 */
export function readSequenceOf<T>(r: ByteReader, ctx: Ctx, what: string, element: (r: ByteReader, i: number) => T): T[] {
  const at = r.offset;
  const n = r.length(`the element count of ${what}`);
  if (n > ctx.limits.maxElements) {
    throw new DlmsError('LIMIT_EXCEEDED', `${what} has ${n} elements; the limit is ${ctx.limits.maxElements}`, { offset: at });
  }
  if (n > r.remaining) throw new DlmsError('TRUNCATED', `${what} claims ${n} elements but only ${r.remaining} byte(s) remain`, { offset: at });
  const out: T[] = [];
  for (let i = 0; i < n; i++) out.push(element(r, i));
  return out;
}

/** Write an A-XDR SEQUENCE OF: the count as an A-XDR length, then the elements. */
export function writeSequenceOf<T>(w: ByteWriter, items: readonly T[], element: (w: ByteWriter, item: T) => void): void {
  w.length(items.length);
  for (const item of items) element(w, item);
}

/** A-XDR OCTET STRING: A-XDR length then the bytes (a zero-copy view). */
export function readOctetString(r: ByteReader, what: string): Uint8Array {
  const len = r.boundedLength(`the length of ${what}`);
  return r.bytes(len, what);
}

/** Write an A-XDR OCTET STRING: length then bytes. */
export function writeOctetString(w: ByteWriter, bytes: Uint8Array): void {
  w.length(bytes.length).bytes(bytes);
}

/** A-XDR BOOLEAN: one byte, 0x00 FALSE, anything else TRUE (X.690 8.2.2). */
export function readBoolean(r: ByteReader, what: string): { value: boolean; raw?: number } {
  const b = r.u8(what);
  return b > 1 ? { value: true, raw: b } : { value: b === 1 };
}

/** Write a BOOLEAN, reproducing a TRUE byte other than 0x01 when `raw` kept one. */
export function writeBoolean(w: ByteWriter, value: boolean, raw: number | undefined): void {
  w.u8(value ? (raw !== undefined && raw > 1 && raw <= 0xff ? raw : 1) : 0);
}

/** One `Data` value; decode errors get `path` prepended so they point into the APDU. */
export function readData(r: ByteReader, ctx: Ctx, path: string): DlmsData {
  try {
    return decodeData(r, ctx.limits);
  } catch (e) {
    throw e instanceof DlmsError ? e.within(path) : e;
  }
}

/** Write one `Data` value (the A-XDR codec). */
export function writeData(w: ByteWriter, d: DlmsData): void {
  encodeData(w, d);
}

/** A byte as two upper-case hex digits, for error messages. */
export function hex2(b: number): string {
  return b.toString(16).padStart(2, '0').toUpperCase();
}

/** A CHOICE tag nobody defined: UNSUPPORTED_TAG at the tag's offset. */
export function unknownChoice(what: string, tag: number, offset: number): DlmsError {
  return new DlmsError('UNSUPPORTED_TAG', `0x${hex2(tag)} is not a ${what} choice`, { offset });
}

// ---------------------------------------------------------------------------------------------
// Descriptors (Green Book 9.5)
// ---------------------------------------------------------------------------------------------

/**
 * `Cosem-Attribute-Descriptor ::= SEQUENCE { class-id Cosem-Class-Id (Unsigned16), instance-id
 * Cosem-Object-Instance-Id (OCTET STRING SIZE(6), no length byte), attribute-id
 * Cosem-Object-Attribute-Id (Integer8) }`. Negative attribute ids are manufacturer-specific.
 */
export interface CosemAttributeDescriptor {
  readonly classId: number;
  readonly instanceId: Obis;
  /** -128..127. */
  readonly attributeId: number;
}

/** `Cosem-Method-Descriptor`: as the attribute descriptor, with `method-id` (Integer8). */
export interface CosemMethodDescriptor {
  readonly classId: number;
  readonly instanceId: Obis;
  /** -128..127. */
  readonly methodId: number;
}

/**
 * `Selective-Access-Descriptor ::= SEQUENCE { access-selector Unsigned8, access-parameters Data }`.
 * For profile-generic buffers selector 1 is by range and 2 by entry (see `rangeDescriptor`).
 */
export interface SelectiveAccessDescriptor {
  readonly accessSelector: number;
  readonly accessParameters: DlmsData;
}

/** `Cosem-Attribute-Descriptor-With-Selection` (the element of the -with-list GET/SET requests). */
export interface CosemAttributeDescriptorWithSelection {
  readonly descriptor: CosemAttributeDescriptor;
  readonly accessSelection?: SelectiveAccessDescriptor;
}

function readInstanceId(r: ByteReader): Obis {
  const at = r.offset;
  return obisFromBytes(r.bytes(6, 'a 6-byte instance id'), at);
}

/** Read a Cosem-Attribute-Descriptor (9 bytes). */
export function readAttributeDescriptor(r: ByteReader): CosemAttributeDescriptor {
  const classId = r.u16('a class id');
  const instanceId = readInstanceId(r);
  const attributeId = r.i8('an attribute id');
  return { classId, instanceId, attributeId };
}

/** Write a Cosem-Attribute-Descriptor. */
export function writeAttributeDescriptor(w: ByteWriter, d: CosemAttributeDescriptor): void {
  w.u16(d.classId).bytes(obisToBytes(d.instanceId)).i8(d.attributeId);
}

/** Read a Cosem-Method-Descriptor (9 bytes). */
export function readMethodDescriptor(r: ByteReader): CosemMethodDescriptor {
  const classId = r.u16('a class id');
  const instanceId = readInstanceId(r);
  const methodId = r.i8('a method id');
  return { classId, instanceId, methodId };
}

/** Write a Cosem-Method-Descriptor. */
export function writeMethodDescriptor(w: ByteWriter, d: CosemMethodDescriptor): void {
  w.u16(d.classId).bytes(obisToBytes(d.instanceId)).i8(d.methodId);
}

/** `access-selection Selective-Access-Descriptor OPTIONAL`. */
export function readOptionalAccessSelection(r: ByteReader, ctx: Ctx, path: string): SelectiveAccessDescriptor | undefined {
  if (!readPresence(r, 'access-selection')) return undefined;
  const accessSelector = r.u8('an access selector');
  const accessParameters = readData(r, ctx, `${path}.access-parameters`);
  return { accessSelector, accessParameters };
}

/** Write `access-selection Selective-Access-Descriptor OPTIONAL`. */
export function writeOptionalAccessSelection(w: ByteWriter, s: SelectiveAccessDescriptor | undefined): void {
  if (s === undefined) {
    w.u8(0);
    return;
  }
  w.u8(1).u8(s.accessSelector);
  writeData(w, s.accessParameters);
}

/** Read a Cosem-Attribute-Descriptor-With-Selection. */
export function readDescriptorWithSelection(r: ByteReader, ctx: Ctx, path: string): CosemAttributeDescriptorWithSelection {
  const descriptor = readAttributeDescriptor(r);
  const accessSelection = readOptionalAccessSelection(r, ctx, path);
  return { descriptor, ...(accessSelection !== undefined ? { accessSelection } : {}) };
}

/** Write a Cosem-Attribute-Descriptor-With-Selection. */
export function writeDescriptorWithSelection(w: ByteWriter, d: CosemAttributeDescriptorWithSelection): void {
  writeAttributeDescriptor(w, d.descriptor);
  writeOptionalAccessSelection(w, d.accessSelection);
}

// ---------------------------------------------------------------------------------------------
// Results and data blocks
// ---------------------------------------------------------------------------------------------

/** `Get-Data-Result ::= CHOICE { data [0] Data, data-access-result [1] IMPLICIT Data-Access-Result }`. */
export type GetDataResult = { readonly type: 'data'; readonly value: DlmsData } | { readonly type: 'data-access-result'; readonly value: DataAccessResult };

/** Read a Get-Data-Result CHOICE; an unknown choice is UNSUPPORTED_TAG. */
export function readGetDataResult(r: ByteReader, ctx: Ctx, path: string): GetDataResult {
  const at = r.offset;
  const tag = r.u8('a Get-Data-Result choice');
  switch (tag) {
    case 0:
      return { type: 'data', value: readData(r, ctx, `${path}.data`) };
    case 1:
      return { type: 'data-access-result', value: DATA_ACCESS_RESULT.read(r) };
    default:
      throw unknownChoice('Get-Data-Result', tag, at);
  }
}

/** Write a Get-Data-Result CHOICE. */
export function writeGetDataResult(w: ByteWriter, g: GetDataResult): void {
  if (g.type === 'data') {
    w.u8(0);
    writeData(w, g.value);
  } else {
    w.u8(1);
    DATA_ACCESS_RESULT.write(w, g.value);
  }
}

/**
 * `DataBlock-SA ::= SEQUENCE { last-block BOOLEAN, block-number Unsigned32, raw-data OCTET STRING }`
 * — one block of a long SET request or of an ACTION's parameters or return value. Block numbers
 * start at 1.
 */
export interface DataBlockSa {
  readonly lastBlock: boolean;
  /** The TRUE byte when it was not 0x01 (some senders write 0xFF), so it re-encodes exactly. */
  readonly lastBlockRaw?: number;
  readonly blockNumber: number;
  readonly rawData: Uint8Array;
}

/** Read a DataBlock-SA. */
export function readDataBlockSa(r: ByteReader): DataBlockSa {
  const last = readBoolean(r, 'last-block');
  const blockNumber = r.u32('a block number');
  const rawData = readOctetString(r, 'raw-data');
  return { lastBlock: last.value, ...(last.raw !== undefined ? { lastBlockRaw: last.raw } : {}), blockNumber, rawData };
}

/** Write a DataBlock-SA. */
export function writeDataBlockSa(w: ByteWriter, b: DataBlockSa): void {
  writeBoolean(w, b.lastBlock, b.lastBlockRaw);
  w.u32(b.blockNumber);
  writeOctetString(w, b.rawData);
}

/**
 * `DataBlock-G ::= SEQUENCE { last-block BOOLEAN, block-number Unsigned32, result CHOICE {
 * raw-data [0] IMPLICIT OCTET STRING, data-access-result [1] IMPLICIT Data-Access-Result } }` —
 * one block of a long GET response. Joined, the raw-data of all blocks is the A-XDR encoding of
 * the attribute value (or, after get-request-with-list, of the SEQUENCE OF Get-Data-Result).
 */
export interface DataBlockG {
  readonly lastBlock: boolean;
  readonly lastBlockRaw?: number;
  readonly blockNumber: number;
  readonly result: { readonly type: 'raw-data'; readonly value: Uint8Array } | { readonly type: 'data-access-result'; readonly value: DataAccessResult };
}

/** Read a DataBlock-G; an unknown result choice is UNSUPPORTED_TAG. */
export function readDataBlockG(r: ByteReader): DataBlockG {
  const last = readBoolean(r, 'last-block');
  const blockNumber = r.u32('a block number');
  const at = r.offset;
  const tag = r.u8('a DataBlock-G result choice');
  let result: DataBlockG['result'];
  if (tag === 0) result = { type: 'raw-data', value: readOctetString(r, 'raw-data') };
  else if (tag === 1) result = { type: 'data-access-result', value: DATA_ACCESS_RESULT.read(r) };
  else throw unknownChoice('DataBlock-G result', tag, at);
  return { lastBlock: last.value, ...(last.raw !== undefined ? { lastBlockRaw: last.raw } : {}), blockNumber, result };
}

/** Write a DataBlock-G. */
export function writeDataBlockG(w: ByteWriter, b: DataBlockG): void {
  writeBoolean(w, b.lastBlock, b.lastBlockRaw);
  w.u32(b.blockNumber);
  if (b.result.type === 'raw-data') {
    w.u8(0);
    writeOctetString(w, b.result.value);
  } else {
    w.u8(1);
    DATA_ACCESS_RESULT.write(w, b.result.value);
  }
}

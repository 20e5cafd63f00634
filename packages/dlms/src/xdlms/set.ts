import type { DlmsData } from '../axdr/index.ts';
import type { ByteReader, ByteWriter } from '../bytes/index.ts';
import { DATA_ACCESS_RESULT } from './enums.ts';
import type { DataAccessResult } from './enums.ts';
import {
  decodeInvokeIdAndPriority,
  encodeInvokeIdAndPriority,
  readAttributeDescriptor,
  readData,
  readDataBlockSa,
  readDescriptorWithSelection,
  readOptionalAccessSelection,
  readSequenceOf,
  unknownChoice,
  writeAttributeDescriptor,
  writeData,
  writeDataBlockSa,
  writeDescriptorWithSelection,
  writeOptionalAccessSelection,
  writeSequenceOf,
} from './primitives.ts';
import type {
  CosemAttributeDescriptor,
  CosemAttributeDescriptorWithSelection,
  Ctx,
  DataBlockSa,
  InvokeIdAndPriority,
  SelectiveAccessDescriptor,
} from './primitives.ts';

/** APDU tag of `set-request [193]` (Green Book 9.5). */
export const SET_REQUEST_TAG = 0xc1;
/** APDU tag of `set-response [197]`. */
export const SET_RESPONSE_TAG = 0xc5;

/** `Set-Request-Normal` [1]: write one attribute. */
export interface SetRequestNormal {
  readonly type: 'set-request-normal';
  readonly invokeIdAndPriority: InvokeIdAndPriority;
  readonly descriptor: CosemAttributeDescriptor;
  readonly accessSelection?: SelectiveAccessDescriptor;
  readonly value: DlmsData;
}

/** `Set-Request-With-First-Datablock` [2]: the first block of a value too long for one APDU. */
export interface SetRequestWithFirstDatablock {
  readonly type: 'set-request-with-first-datablock';
  readonly invokeIdAndPriority: InvokeIdAndPriority;
  readonly descriptor: CosemAttributeDescriptor;
  readonly accessSelection?: SelectiveAccessDescriptor;
  readonly datablock: DataBlockSa;
}

/** `Set-Request-With-Datablock` [3]: a following block. */
export interface SetRequestWithDatablock {
  readonly type: 'set-request-with-datablock';
  readonly invokeIdAndPriority: InvokeIdAndPriority;
  readonly datablock: DataBlockSa;
}

/** `Set-Request-With-List` [4]: write several attributes; `values[i]` goes to `descriptors[i]`. */
export interface SetRequestWithList {
  readonly type: 'set-request-with-list';
  readonly invokeIdAndPriority: InvokeIdAndPriority;
  readonly descriptors: readonly CosemAttributeDescriptorWithSelection[];
  readonly values: readonly DlmsData[];
}

/** `Set-Request-With-List-And-First-Datablock` [5]. */
export interface SetRequestWithListAndFirstDatablock {
  readonly type: 'set-request-with-list-and-first-datablock';
  readonly invokeIdAndPriority: InvokeIdAndPriority;
  readonly descriptors: readonly CosemAttributeDescriptorWithSelection[];
  readonly datablock: DataBlockSa;
}

/** `Set-Request ::= CHOICE` (Green Book 9.5). */
export type SetRequest = SetRequestNormal | SetRequestWithFirstDatablock | SetRequestWithDatablock | SetRequestWithList | SetRequestWithListAndFirstDatablock;

/** `Set-Response-Normal` [1]. */
export interface SetResponseNormal {
  readonly type: 'set-response-normal';
  readonly invokeIdAndPriority: InvokeIdAndPriority;
  readonly result: DataAccessResult;
}

/** `Set-Response-Datablock` [2]: block `blockNumber` was received, send the next. */
export interface SetResponseDatablock {
  readonly type: 'set-response-datablock';
  readonly invokeIdAndPriority: InvokeIdAndPriority;
  readonly blockNumber: number;
}

/** `Set-Response-Last-Datablock` [3]: the outcome after the last block. */
export interface SetResponseLastDatablock {
  readonly type: 'set-response-last-datablock';
  readonly invokeIdAndPriority: InvokeIdAndPriority;
  readonly result: DataAccessResult;
  readonly blockNumber: number;
}

/** `Set-Response-Last-Datablock-With-List` [4]. */
export interface SetResponseLastDatablockWithList {
  readonly type: 'set-response-last-datablock-with-list';
  readonly invokeIdAndPriority: InvokeIdAndPriority;
  readonly results: readonly DataAccessResult[];
  readonly blockNumber: number;
}

/** `Set-Response-With-List` [5]. */
export interface SetResponseWithList {
  readonly type: 'set-response-with-list';
  readonly invokeIdAndPriority: InvokeIdAndPriority;
  readonly results: readonly DataAccessResult[];
}

/** `Set-Response ::= CHOICE` (Green Book 9.5). */
export type SetResponse = SetResponseNormal | SetResponseDatablock | SetResponseLastDatablock | SetResponseLastDatablockWithList | SetResponseWithList;

function readDescriptorList(r: ByteReader, ctx: Ctx, path: string): CosemAttributeDescriptorWithSelection[] {
  return readSequenceOf(r, ctx, 'attribute-descriptor-list', (rr, i) => readDescriptorWithSelection(rr, ctx, `${path}[${i}]`));
}

function readResultList(r: ByteReader, ctx: Ctx): DataAccessResult[] {
  return readSequenceOf(r, ctx, 'the list of Data-Access-Result', (rr) => DATA_ACCESS_RESULT.read(rr));
}

/** Decode a Set-Request after its APDU tag: the CHOICE byte, then the alternative. */
export function decodeSetRequest(r: ByteReader, ctx: Ctx): SetRequest {
  const at = r.offset;
  const choice = r.u8('the Set-Request choice');
  if (choice < 1 || choice > 5) throw unknownChoice('Set-Request', choice, at);
  const invokeIdAndPriority = decodeInvokeIdAndPriority(r.u8('Invoke-Id-And-Priority'));
  switch (choice) {
    case 1: {
      const descriptor = readAttributeDescriptor(r);
      const accessSelection = readOptionalAccessSelection(r, ctx, 'set-request-normal');
      const value = readData(r, ctx, 'set-request-normal.value');
      return { type: 'set-request-normal', invokeIdAndPriority, descriptor, ...(accessSelection !== undefined ? { accessSelection } : {}), value };
    }
    case 2: {
      const descriptor = readAttributeDescriptor(r);
      const accessSelection = readOptionalAccessSelection(r, ctx, 'set-request-with-first-datablock');
      const datablock = readDataBlockSa(r);
      return { type: 'set-request-with-first-datablock', invokeIdAndPriority, descriptor, ...(accessSelection !== undefined ? { accessSelection } : {}), datablock };
    }
    case 3:
      return { type: 'set-request-with-datablock', invokeIdAndPriority, datablock: readDataBlockSa(r) };
    case 4: {
      const descriptors = readDescriptorList(r, ctx, 'set-request-with-list.descriptor');
      const values = readSequenceOf(r, ctx, 'value-list', (rr, i) => readData(rr, ctx, `set-request-with-list.value[${i}]`));
      return { type: 'set-request-with-list', invokeIdAndPriority, descriptors, values };
    }
    default: {
      const descriptors = readDescriptorList(r, ctx, 'set-request-with-list-and-first-datablock.descriptor');
      return { type: 'set-request-with-list-and-first-datablock', invokeIdAndPriority, descriptors, datablock: readDataBlockSa(r) };
    }
  }
}

/** Encode a Set-Request, APDU tag included. */
export function encodeSetRequest(w: ByteWriter, apdu: SetRequest): void {
  w.u8(SET_REQUEST_TAG);
  const iip = encodeInvokeIdAndPriority(apdu.invokeIdAndPriority);
  switch (apdu.type) {
    case 'set-request-normal':
      w.u8(1).u8(iip);
      writeAttributeDescriptor(w, apdu.descriptor);
      writeOptionalAccessSelection(w, apdu.accessSelection);
      writeData(w, apdu.value);
      return;
    case 'set-request-with-first-datablock':
      w.u8(2).u8(iip);
      writeAttributeDescriptor(w, apdu.descriptor);
      writeOptionalAccessSelection(w, apdu.accessSelection);
      writeDataBlockSa(w, apdu.datablock);
      return;
    case 'set-request-with-datablock':
      w.u8(3).u8(iip);
      writeDataBlockSa(w, apdu.datablock);
      return;
    case 'set-request-with-list':
      w.u8(4).u8(iip);
      writeSequenceOf(w, apdu.descriptors, writeDescriptorWithSelection);
      writeSequenceOf(w, apdu.values, writeData);
      return;
    case 'set-request-with-list-and-first-datablock':
      w.u8(5).u8(iip);
      writeSequenceOf(w, apdu.descriptors, writeDescriptorWithSelection);
      writeDataBlockSa(w, apdu.datablock);
      return;
  }
}

/** Decode a Set-Response after its APDU tag. */
export function decodeSetResponse(r: ByteReader, ctx: Ctx): SetResponse {
  const at = r.offset;
  const choice = r.u8('the Set-Response choice');
  if (choice < 1 || choice > 5) throw unknownChoice('Set-Response', choice, at);
  const invokeIdAndPriority = decodeInvokeIdAndPriority(r.u8('Invoke-Id-And-Priority'));
  switch (choice) {
    case 1:
      return { type: 'set-response-normal', invokeIdAndPriority, result: DATA_ACCESS_RESULT.read(r) };
    case 2:
      return { type: 'set-response-datablock', invokeIdAndPriority, blockNumber: r.u32('a block number') };
    case 3: {
      const result = DATA_ACCESS_RESULT.read(r);
      return { type: 'set-response-last-datablock', invokeIdAndPriority, result, blockNumber: r.u32('a block number') };
    }
    case 4: {
      const results = readResultList(r, ctx);
      return { type: 'set-response-last-datablock-with-list', invokeIdAndPriority, results, blockNumber: r.u32('a block number') };
    }
    default:
      return { type: 'set-response-with-list', invokeIdAndPriority, results: readResultList(r, ctx) };
  }
}

/** Encode a Set-Response, APDU tag included. */
export function encodeSetResponse(w: ByteWriter, apdu: SetResponse): void {
  w.u8(SET_RESPONSE_TAG);
  const iip = encodeInvokeIdAndPriority(apdu.invokeIdAndPriority);
  switch (apdu.type) {
    case 'set-response-normal':
      w.u8(1).u8(iip);
      DATA_ACCESS_RESULT.write(w, apdu.result);
      return;
    case 'set-response-datablock':
      w.u8(2).u8(iip).u32(apdu.blockNumber);
      return;
    case 'set-response-last-datablock':
      w.u8(3).u8(iip);
      DATA_ACCESS_RESULT.write(w, apdu.result);
      w.u32(apdu.blockNumber);
      return;
    case 'set-response-last-datablock-with-list':
      w.u8(4).u8(iip);
      writeSequenceOf(w, apdu.results, (ww, x) => DATA_ACCESS_RESULT.write(ww, x));
      w.u32(apdu.blockNumber);
      return;
    case 'set-response-with-list':
      w.u8(5).u8(iip);
      writeSequenceOf(w, apdu.results, (ww, x) => DATA_ACCESS_RESULT.write(ww, x));
      return;
  }
}

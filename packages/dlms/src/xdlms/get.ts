import type { ByteReader, ByteWriter } from '../bytes/index.ts';
import {
  decodeInvokeIdAndPriority,
  encodeInvokeIdAndPriority,
  readAttributeDescriptor,
  readDataBlockG,
  readDescriptorWithSelection,
  readGetDataResult,
  readOptionalAccessSelection,
  readSequenceOf,
  unknownChoice,
  writeAttributeDescriptor,
  writeDataBlockG,
  writeDescriptorWithSelection,
  writeGetDataResult,
  writeOptionalAccessSelection,
  writeSequenceOf,
} from './primitives.ts';
import type {
  CosemAttributeDescriptor,
  CosemAttributeDescriptorWithSelection,
  Ctx,
  DataBlockG,
  GetDataResult,
  InvokeIdAndPriority,
  SelectiveAccessDescriptor,
} from './primitives.ts';

/** APDU tag of `get-request [192]` (Green Book 9.5). */
export const GET_REQUEST_TAG = 0xc0;
/** APDU tag of `get-response [196]`. */
export const GET_RESPONSE_TAG = 0xc4;

/** `Get-Request-Normal` [1]: read one attribute, optionally with selective access. */
export interface GetRequestNormal {
  readonly type: 'get-request-normal';
  readonly invokeIdAndPriority: InvokeIdAndPriority;
  readonly descriptor: CosemAttributeDescriptor;
  readonly accessSelection?: SelectiveAccessDescriptor;
}

/** `Get-Request-Next` [2]: ask for the block after `blockNumber` (the last one received). */
export interface GetRequestNext {
  readonly type: 'get-request-next';
  readonly invokeIdAndPriority: InvokeIdAndPriority;
  readonly blockNumber: number;
}

/** `Get-Request-With-List` [3]: read several attributes in one request. */
export interface GetRequestWithList {
  readonly type: 'get-request-with-list';
  readonly invokeIdAndPriority: InvokeIdAndPriority;
  readonly descriptors: readonly CosemAttributeDescriptorWithSelection[];
}

/** `Get-Request ::= CHOICE` (Green Book 9.5). */
export type GetRequest = GetRequestNormal | GetRequestNext | GetRequestWithList;

/** `Get-Response-Normal` [1]: the value, or why it could not be read. */
export interface GetResponseNormal {
  readonly type: 'get-response-normal';
  readonly invokeIdAndPriority: InvokeIdAndPriority;
  readonly result: GetDataResult;
}

/** `Get-Response-With-Datablock` [2]: one block of a long response (Green Book 9.3, service-specific block transfer). */
export interface GetResponseWithDatablock {
  readonly type: 'get-response-with-datablock';
  readonly invokeIdAndPriority: InvokeIdAndPriority;
  readonly datablock: DataBlockG;
}

/** `Get-Response-With-List` [3]: one result per requested attribute, in request order. */
export interface GetResponseWithList {
  readonly type: 'get-response-with-list';
  readonly invokeIdAndPriority: InvokeIdAndPriority;
  readonly results: readonly GetDataResult[];
}

/** `Get-Response ::= CHOICE` (Green Book 9.5). */
export type GetResponse = GetResponseNormal | GetResponseWithDatablock | GetResponseWithList;

/** Decode a Get-Request after its APDU tag: the CHOICE byte, then the alternative. */
export function decodeGetRequest(r: ByteReader, ctx: Ctx): GetRequest {
  const at = r.offset;
  const choice = r.u8('the Get-Request choice');
  if (choice < 1 || choice > 3) throw unknownChoice('Get-Request', choice, at);
  const invokeIdAndPriority = decodeInvokeIdAndPriority(r.u8('Invoke-Id-And-Priority'));
  switch (choice) {
    case 1: {
      const descriptor = readAttributeDescriptor(r);
      const accessSelection = readOptionalAccessSelection(r, ctx, 'get-request-normal');
      return { type: 'get-request-normal', invokeIdAndPriority, descriptor, ...(accessSelection !== undefined ? { accessSelection } : {}) };
    }
    case 2:
      return { type: 'get-request-next', invokeIdAndPriority, blockNumber: r.u32('a block number') };
    case 3: {
      const descriptors = readSequenceOf(r, ctx, 'attribute-descriptor-list', (rr, i) => readDescriptorWithSelection(rr, ctx, `get-request-with-list[${i}]`));
      return { type: 'get-request-with-list', invokeIdAndPriority, descriptors };
    }
    default:
      throw unknownChoice('Get-Request', choice, at);
  }
}

/** Encode a Get-Request, APDU tag included. */
export function encodeGetRequest(w: ByteWriter, apdu: GetRequest): void {
  w.u8(GET_REQUEST_TAG);
  switch (apdu.type) {
    case 'get-request-normal':
      w.u8(1).u8(encodeInvokeIdAndPriority(apdu.invokeIdAndPriority));
      writeAttributeDescriptor(w, apdu.descriptor);
      writeOptionalAccessSelection(w, apdu.accessSelection);
      return;
    case 'get-request-next':
      w.u8(2).u8(encodeInvokeIdAndPriority(apdu.invokeIdAndPriority)).u32(apdu.blockNumber);
      return;
    case 'get-request-with-list':
      w.u8(3).u8(encodeInvokeIdAndPriority(apdu.invokeIdAndPriority));
      writeSequenceOf(w, apdu.descriptors, writeDescriptorWithSelection);
      return;
  }
}

/** Decode a Get-Response after its APDU tag. */
export function decodeGetResponse(r: ByteReader, ctx: Ctx): GetResponse {
  const at = r.offset;
  const choice = r.u8('the Get-Response choice');
  if (choice < 1 || choice > 3) throw unknownChoice('Get-Response', choice, at);
  const invokeIdAndPriority = decodeInvokeIdAndPriority(r.u8('Invoke-Id-And-Priority'));
  switch (choice) {
    case 1:
      return { type: 'get-response-normal', invokeIdAndPriority, result: readGetDataResult(r, ctx, 'get-response-normal.result') };
    case 2:
      return { type: 'get-response-with-datablock', invokeIdAndPriority, datablock: readDataBlockG(r) };
    case 3: {
      const results = readSequenceOf(r, ctx, 'get-response-with-list results', (rr, i) => readGetDataResult(rr, ctx, `get-response-with-list.result[${i}]`));
      return { type: 'get-response-with-list', invokeIdAndPriority, results };
    }
    default:
      throw unknownChoice('Get-Response', choice, at);
  }
}

/** Encode a Get-Response, APDU tag included. */
export function encodeGetResponse(w: ByteWriter, apdu: GetResponse): void {
  w.u8(GET_RESPONSE_TAG);
  switch (apdu.type) {
    case 'get-response-normal':
      w.u8(1).u8(encodeInvokeIdAndPriority(apdu.invokeIdAndPriority));
      writeGetDataResult(w, apdu.result);
      return;
    case 'get-response-with-datablock':
      w.u8(2).u8(encodeInvokeIdAndPriority(apdu.invokeIdAndPriority));
      writeDataBlockG(w, apdu.datablock);
      return;
    case 'get-response-with-list':
      w.u8(3).u8(encodeInvokeIdAndPriority(apdu.invokeIdAndPriority));
      writeSequenceOf(w, apdu.results, writeGetDataResult);
      return;
  }
}

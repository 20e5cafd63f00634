import type { DlmsData } from '../axdr/index.ts';
import type { ByteReader, ByteWriter } from '../bytes/index.ts';
import { ACTION_RESULT } from './enums.ts';
import type { ActionResult } from './enums.ts';
import {
  decodeInvokeIdAndPriority,
  encodeInvokeIdAndPriority,
  readData,
  readDataBlockSa,
  readGetDataResult,
  readMethodDescriptor,
  readPresence,
  readSequenceOf,
  unknownChoice,
  writeData,
  writeDataBlockSa,
  writeGetDataResult,
  writeMethodDescriptor,
  writeSequenceOf,
} from './primitives.ts';
import type { CosemMethodDescriptor, Ctx, DataBlockSa, GetDataResult, InvokeIdAndPriority } from './primitives.ts';

/** APDU tag of `action-request [195]` (Green Book 9.5). */
export const ACTION_REQUEST_TAG = 0xc3;
/** APDU tag of `action-response [199]`. */
export const ACTION_RESPONSE_TAG = 0xc7;

/** `Action-Request-Normal` [1]: invoke one method. */
export interface ActionRequestNormal {
  readonly type: 'action-request-normal';
  readonly invokeIdAndPriority: InvokeIdAndPriority;
  readonly descriptor: CosemMethodDescriptor;
  /** `method-invocation-parameters Data OPTIONAL`. */
  readonly parameters?: DlmsData;
}

/** `Action-Request-Next-Pblock` [2]: the client acknowledges block `blockNumber` of a long return value. */
export interface ActionRequestNextPblock {
  readonly type: 'action-request-next-pblock';
  readonly invokeIdAndPriority: InvokeIdAndPriority;
  readonly blockNumber: number;
}

/** `Action-Request-With-List` [3]: `parameters[i]` goes to `descriptors[i]`. */
export interface ActionRequestWithList {
  readonly type: 'action-request-with-list';
  readonly invokeIdAndPriority: InvokeIdAndPriority;
  readonly descriptors: readonly CosemMethodDescriptor[];
  readonly parameters: readonly DlmsData[];
}

/** `Action-Request-With-First-Pblock` [4]. */
export interface ActionRequestWithFirstPblock {
  readonly type: 'action-request-with-first-pblock';
  readonly invokeIdAndPriority: InvokeIdAndPriority;
  readonly descriptor: CosemMethodDescriptor;
  readonly pblock: DataBlockSa;
}

/** `Action-Request-With-List-And-First-Pblock` [5]. */
export interface ActionRequestWithListAndFirstPblock {
  readonly type: 'action-request-with-list-and-first-pblock';
  readonly invokeIdAndPriority: InvokeIdAndPriority;
  readonly descriptors: readonly CosemMethodDescriptor[];
  readonly pblock: DataBlockSa;
}

/** `Action-Request-With-Pblock` [6]: a following block of the parameters. */
export interface ActionRequestWithPblock {
  readonly type: 'action-request-with-pblock';
  readonly invokeIdAndPriority: InvokeIdAndPriority;
  readonly pblock: DataBlockSa;
}

/** `Action-Request ::= CHOICE` (Green Book 9.5). */
export type ActionRequest =
  | ActionRequestNormal
  | ActionRequestNextPblock
  | ActionRequestWithList
  | ActionRequestWithFirstPblock
  | ActionRequestWithListAndFirstPblock
  | ActionRequestWithPblock;

/**
 * `Action-Response-With-Optional-Data ::= SEQUENCE { result Action-Result, return-parameters
 * Get-Data-Result OPTIONAL }`.
 */
export interface ActionResponseWithOptionalData {
  readonly result: ActionResult;
  readonly returnParameters?: GetDataResult;
}

/** `Action-Response-Normal` [1]. */
export interface ActionResponseNormal {
  readonly type: 'action-response-normal';
  readonly invokeIdAndPriority: InvokeIdAndPriority;
  readonly response: ActionResponseWithOptionalData;
}

/** `Action-Response-With-Pblock` [2]: a block of a long return value. */
export interface ActionResponseWithPblock {
  readonly type: 'action-response-with-pblock';
  readonly invokeIdAndPriority: InvokeIdAndPriority;
  readonly pblock: DataBlockSa;
}

/** `Action-Response-With-List` [3]. */
export interface ActionResponseWithList {
  readonly type: 'action-response-with-list';
  readonly invokeIdAndPriority: InvokeIdAndPriority;
  readonly responses: readonly ActionResponseWithOptionalData[];
}

/** `Action-Response-Next-Pblock` [4]: the server acknowledges block `blockNumber` of long parameters. */
export interface ActionResponseNextPblock {
  readonly type: 'action-response-next-pblock';
  readonly invokeIdAndPriority: InvokeIdAndPriority;
  readonly blockNumber: number;
}

/** `Action-Response ::= CHOICE` (Green Book 9.5). */
export type ActionResponse = ActionResponseNormal | ActionResponseWithPblock | ActionResponseWithList | ActionResponseNextPblock;

function readMethodList(r: ByteReader, ctx: Ctx): CosemMethodDescriptor[] {
  return readSequenceOf(r, ctx, 'cosem-method-descriptor-list', (rr) => readMethodDescriptor(rr));
}

function readOptionalData(r: ByteReader, ctx: Ctx, path: string): DlmsData | undefined {
  return readPresence(r, 'method-invocation-parameters') ? readData(r, ctx, path) : undefined;
}

function readResponseWithOptionalData(r: ByteReader, ctx: Ctx, path: string): ActionResponseWithOptionalData {
  const result = ACTION_RESULT.read(r);
  const returnParameters = readPresence(r, 'return-parameters') ? readGetDataResult(r, ctx, `${path}.return-parameters`) : undefined;
  return { result, ...(returnParameters !== undefined ? { returnParameters } : {}) };
}

function writeResponseWithOptionalData(w: ByteWriter, v: ActionResponseWithOptionalData): void {
  ACTION_RESULT.write(w, v.result);
  if (v.returnParameters === undefined) {
    w.u8(0);
  } else {
    w.u8(1);
    writeGetDataResult(w, v.returnParameters);
  }
}

/** Decode an Action-Request after its APDU tag: the CHOICE byte, then the alternative. */
export function decodeActionRequest(r: ByteReader, ctx: Ctx): ActionRequest {
  const at = r.offset;
  const choice = r.u8('the Action-Request choice');
  if (choice < 1 || choice > 6) throw unknownChoice('Action-Request', choice, at);
  const invokeIdAndPriority = decodeInvokeIdAndPriority(r.u8('Invoke-Id-And-Priority'));
  switch (choice) {
    case 1: {
      const descriptor = readMethodDescriptor(r);
      const parameters = readOptionalData(r, ctx, 'action-request-normal.method-invocation-parameters');
      return { type: 'action-request-normal', invokeIdAndPriority, descriptor, ...(parameters !== undefined ? { parameters } : {}) };
    }
    case 2:
      return { type: 'action-request-next-pblock', invokeIdAndPriority, blockNumber: r.u32('a block number') };
    case 3: {
      const descriptors = readMethodList(r, ctx);
      const parameters = readSequenceOf(r, ctx, 'method-invocation-parameters', (rr, i) => readData(rr, ctx, `action-request-with-list.method-invocation-parameters[${i}]`));
      return { type: 'action-request-with-list', invokeIdAndPriority, descriptors, parameters };
    }
    case 4: {
      const descriptor = readMethodDescriptor(r);
      return { type: 'action-request-with-first-pblock', invokeIdAndPriority, descriptor, pblock: readDataBlockSa(r) };
    }
    case 5: {
      const descriptors = readMethodList(r, ctx);
      return { type: 'action-request-with-list-and-first-pblock', invokeIdAndPriority, descriptors, pblock: readDataBlockSa(r) };
    }
    default:
      return { type: 'action-request-with-pblock', invokeIdAndPriority, pblock: readDataBlockSa(r) };
  }
}

/** Encode an Action-Request, APDU tag included. */
export function encodeActionRequest(w: ByteWriter, apdu: ActionRequest): void {
  w.u8(ACTION_REQUEST_TAG);
  const iip = encodeInvokeIdAndPriority(apdu.invokeIdAndPriority);
  switch (apdu.type) {
    case 'action-request-normal':
      w.u8(1).u8(iip);
      writeMethodDescriptor(w, apdu.descriptor);
      if (apdu.parameters === undefined) {
        w.u8(0);
      } else {
        w.u8(1);
        writeData(w, apdu.parameters);
      }
      return;
    case 'action-request-next-pblock':
      w.u8(2).u8(iip).u32(apdu.blockNumber);
      return;
    case 'action-request-with-list':
      w.u8(3).u8(iip);
      writeSequenceOf(w, apdu.descriptors, writeMethodDescriptor);
      writeSequenceOf(w, apdu.parameters, writeData);
      return;
    case 'action-request-with-first-pblock':
      w.u8(4).u8(iip);
      writeMethodDescriptor(w, apdu.descriptor);
      writeDataBlockSa(w, apdu.pblock);
      return;
    case 'action-request-with-list-and-first-pblock':
      w.u8(5).u8(iip);
      writeSequenceOf(w, apdu.descriptors, writeMethodDescriptor);
      writeDataBlockSa(w, apdu.pblock);
      return;
    case 'action-request-with-pblock':
      w.u8(6).u8(iip);
      writeDataBlockSa(w, apdu.pblock);
      return;
  }
}

/** Decode an Action-Response after its APDU tag. */
export function decodeActionResponse(r: ByteReader, ctx: Ctx): ActionResponse {
  const at = r.offset;
  const choice = r.u8('the Action-Response choice');
  if (choice < 1 || choice > 4) throw unknownChoice('Action-Response', choice, at);
  const invokeIdAndPriority = decodeInvokeIdAndPriority(r.u8('Invoke-Id-And-Priority'));
  switch (choice) {
    case 1:
      return { type: 'action-response-normal', invokeIdAndPriority, response: readResponseWithOptionalData(r, ctx, 'action-response-normal') };
    case 2:
      return { type: 'action-response-with-pblock', invokeIdAndPriority, pblock: readDataBlockSa(r) };
    case 3: {
      const responses = readSequenceOf(r, ctx, 'list-of-responses', (rr, i) => readResponseWithOptionalData(rr, ctx, `action-response-with-list[${i}]`));
      return { type: 'action-response-with-list', invokeIdAndPriority, responses };
    }
    default:
      return { type: 'action-response-next-pblock', invokeIdAndPriority, blockNumber: r.u32('a block number') };
  }
}

/** Encode an Action-Response, APDU tag included. */
export function encodeActionResponse(w: ByteWriter, apdu: ActionResponse): void {
  w.u8(ACTION_RESPONSE_TAG);
  const iip = encodeInvokeIdAndPriority(apdu.invokeIdAndPriority);
  switch (apdu.type) {
    case 'action-response-normal':
      w.u8(1).u8(iip);
      writeResponseWithOptionalData(w, apdu.response);
      return;
    case 'action-response-with-pblock':
      w.u8(2).u8(iip);
      writeDataBlockSa(w, apdu.pblock);
      return;
    case 'action-response-with-list':
      w.u8(3).u8(iip);
      writeSequenceOf(w, apdu.responses, writeResponseWithOptionalData);
      return;
    case 'action-response-next-pblock':
      w.u8(4).u8(iip).u32(apdu.blockNumber);
      return;
  }
}

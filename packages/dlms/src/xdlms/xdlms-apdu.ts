import { ByteReader, ByteWriter } from '../bytes/index.ts';
import { DlmsError } from '../errors/index.ts';
import { resolveLimits } from '../limits/index.ts';
import type { DecodeLimits } from '../limits/index.ts';
import { ACTION_REQUEST_TAG, ACTION_RESPONSE_TAG, decodeActionRequest, decodeActionResponse, encodeActionRequest, encodeActionResponse } from './action.ts';
import type { ActionRequest, ActionResponse } from './action.ts';
import { GENERAL_BLOCK_TRANSFER_TAG, decodeGeneralBlockTransfer, encodeGeneralBlockTransfer } from './block-transfer.ts';
import type { GeneralBlockTransfer } from './block-transfer.ts';
import { GET_REQUEST_TAG, GET_RESPONSE_TAG, decodeGetRequest, decodeGetResponse, encodeGetRequest, encodeGetResponse } from './get.ts';
import type { GetRequest, GetResponse } from './get.ts';
import {
  DATA_NOTIFICATION_TAG,
  EVENT_NOTIFICATION_REQUEST_TAG,
  decodeDataNotification,
  decodeEventNotificationRequest,
  encodeDataNotification,
  encodeEventNotificationRequest,
} from './notification.ts';
import type { DataNotification, EventNotificationRequest } from './notification.ts';
import { hex2 } from './primitives.ts';
import type { Ctx } from './primitives.ts';
import {
  CONFIRMED_SERVICE_ERROR_TAG,
  EXCEPTION_RESPONSE_TAG,
  decodeConfirmedServiceError,
  decodeExceptionResponse,
  encodeConfirmedServiceError,
  encodeExceptionResponse,
} from './service-errors.ts';
import type { ConfirmedServiceError, ExceptionResponse } from './service-errors.ts';
import { SET_REQUEST_TAG, SET_RESPONSE_TAG, decodeSetRequest, decodeSetResponse, encodeSetRequest, encodeSetResponse } from './set.ts';
import type { SetRequest, SetResponse } from './set.ts';

/**
 * Every plain xDLMS APDU of LN referencing this module handles (Green Book 9.5), a union on
 * `type` named after the ASN.1 choices. InitiateRequest/-Response live in `initiate/`, ciphered
 * envelopes in `security/`.
 */
export type XdlmsApdu =
  | GetRequest
  | GetResponse
  | SetRequest
  | SetResponse
  | ActionRequest
  | ActionResponse
  | DataNotification
  | EventNotificationRequest
  | ExceptionResponse
  | ConfirmedServiceError
  | GeneralBlockTransfer;

/** The `type` of every xDLMS APDU. */
export type XdlmsApduType = XdlmsApdu['type'];

/** First bytes of the APDUs `decodeXdlmsApdu` accepts. */
export const XDLMS_TAGS: ReadonlySet<number> = new Set([
  CONFIRMED_SERVICE_ERROR_TAG,
  DATA_NOTIFICATION_TAG,
  GET_REQUEST_TAG,
  SET_REQUEST_TAG,
  EVENT_NOTIFICATION_REQUEST_TAG,
  ACTION_REQUEST_TAG,
  GET_RESPONSE_TAG,
  SET_RESPONSE_TAG,
  ACTION_RESPONSE_TAG,
  EXCEPTION_RESPONSE_TAG,
  GENERAL_BLOCK_TRANSFER_TAG,
]);

/**
 * Decode exactly one xDLMS APDU. Malformed input throws `DlmsError` with the byte offset
 * (TRUNCATED, UNSUPPORTED_TAG for an unknown APDU or CHOICE tag, INVALID_VALUE, LIMIT_EXCEEDED,
 * TRAILING_BYTES); a refusal by the peer (a data-access-result, an exception-response) is a value.
 * The input is capped by `maxApduSize`; decoded octet strings are views into `bytes`.
 */
export function decodeXdlmsApdu(bytes: Uint8Array, limits?: Partial<DecodeLimits>): XdlmsApdu {
  const ctx: Ctx = { limits: resolveLimits(limits) };
  if (bytes.length > ctx.limits.maxApduSize) {
    throw new DlmsError('LIMIT_EXCEEDED', `APDU of ${bytes.length} bytes exceeds maxApduSize ${ctx.limits.maxApduSize}`, { offset: 0 });
  }
  const r = new ByteReader(bytes);
  const tag = r.u8('the APDU tag');
  const apdu = decodeBody(tag, r, ctx);
  r.expectEnd(apdu.type);
  return apdu;
}

function decodeBody(tag: number, r: ByteReader, ctx: Ctx): XdlmsApdu {
  switch (tag) {
    case GET_REQUEST_TAG:
      return decodeGetRequest(r, ctx);
    case GET_RESPONSE_TAG:
      return decodeGetResponse(r, ctx);
    case SET_REQUEST_TAG:
      return decodeSetRequest(r, ctx);
    case SET_RESPONSE_TAG:
      return decodeSetResponse(r, ctx);
    case ACTION_REQUEST_TAG:
      return decodeActionRequest(r, ctx);
    case ACTION_RESPONSE_TAG:
      return decodeActionResponse(r, ctx);
    case DATA_NOTIFICATION_TAG:
      return decodeDataNotification(r, ctx);
    case EVENT_NOTIFICATION_REQUEST_TAG:
      return decodeEventNotificationRequest(r, ctx);
    case EXCEPTION_RESPONSE_TAG:
      return decodeExceptionResponse(r);
    case CONFIRMED_SERVICE_ERROR_TAG:
      return decodeConfirmedServiceError(r);
    case GENERAL_BLOCK_TRANSFER_TAG:
      return decodeGeneralBlockTransfer(r);
    default:
      throw new DlmsError('UNSUPPORTED_TAG', `0x${hex2(tag)} is not an xDLMS APDU tag this module knows`, { offset: 0 });
  }
}

/** Encode one xDLMS APDU; the exact inverse of `decodeXdlmsApdu`. Out-of-range fields throw INVALID_VALUE. */
export function encodeXdlmsApdu(apdu: XdlmsApdu): Uint8Array {
  const w = new ByteWriter();
  switch (apdu.type) {
    case 'get-request-normal':
    case 'get-request-next':
    case 'get-request-with-list':
      encodeGetRequest(w, apdu);
      break;
    case 'get-response-normal':
    case 'get-response-with-datablock':
    case 'get-response-with-list':
      encodeGetResponse(w, apdu);
      break;
    case 'set-request-normal':
    case 'set-request-with-first-datablock':
    case 'set-request-with-datablock':
    case 'set-request-with-list':
    case 'set-request-with-list-and-first-datablock':
      encodeSetRequest(w, apdu);
      break;
    case 'set-response-normal':
    case 'set-response-datablock':
    case 'set-response-last-datablock':
    case 'set-response-last-datablock-with-list':
    case 'set-response-with-list':
      encodeSetResponse(w, apdu);
      break;
    case 'action-request-normal':
    case 'action-request-next-pblock':
    case 'action-request-with-list':
    case 'action-request-with-first-pblock':
    case 'action-request-with-list-and-first-pblock':
    case 'action-request-with-pblock':
      encodeActionRequest(w, apdu);
      break;
    case 'action-response-normal':
    case 'action-response-with-pblock':
    case 'action-response-with-list':
    case 'action-response-next-pblock':
      encodeActionResponse(w, apdu);
      break;
    case 'data-notification':
      encodeDataNotification(w, apdu);
      break;
    case 'event-notification-request':
      encodeEventNotificationRequest(w, apdu);
      break;
    case 'exception-response':
      encodeExceptionResponse(w, apdu);
      break;
    case 'confirmed-service-error':
      encodeConfirmedServiceError(w, apdu);
      break;
    case 'general-block-transfer':
      encodeGeneralBlockTransfer(w, apdu);
      break;
  }
  return w.finish();
}

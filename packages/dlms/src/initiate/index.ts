export {
  CONFORMANCE_BITS,
  conformanceFromBytes,
  conformanceFromNames,
  conformanceFromValue,
  conformanceIntersection,
  conformanceToBytes,
} from './conformance.ts';
export type { Conformance, ConformanceBit } from './conformance.ts';
export { INITIATE_REQUEST_TAG, decodeInitiateRequest, encodeInitiateRequest } from './initiate-request.ts';
export type { InitiateRequest } from './initiate-request.ts';
export { INITIATE_RESPONSE_TAG, VAA_NAME_LN, VAA_NAME_SN, decodeInitiateResponse, encodeInitiateResponse } from './initiate-response.ts';
export type { InitiateResponse } from './initiate-response.ts';

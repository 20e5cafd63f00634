export { XDLMS_TAGS, decodeXdlmsApdu, encodeXdlmsApdu } from './xdlms-apdu.ts';
export type { XdlmsApdu, XdlmsApduType } from './xdlms-apdu.ts';
export type { GetRequest, GetRequestNext, GetRequestNormal, GetRequestWithList, GetResponse, GetResponseNormal, GetResponseWithDatablock, GetResponseWithList } from './get.ts';
export type {
  SetRequest,
  SetRequestNormal,
  SetRequestWithDatablock,
  SetRequestWithFirstDatablock,
  SetRequestWithList,
  SetRequestWithListAndFirstDatablock,
  SetResponse,
  SetResponseDatablock,
  SetResponseLastDatablock,
  SetResponseLastDatablockWithList,
  SetResponseNormal,
  SetResponseWithList,
} from './set.ts';
export type {
  ActionRequest,
  ActionRequestNextPblock,
  ActionRequestNormal,
  ActionRequestWithFirstPblock,
  ActionRequestWithList,
  ActionRequestWithListAndFirstPblock,
  ActionRequestWithPblock,
  ActionResponse,
  ActionResponseNextPblock,
  ActionResponseNormal,
  ActionResponseWithList,
  ActionResponseWithOptionalData,
  ActionResponseWithPblock,
} from './action.ts';
export type { DataNotification, EventNotificationRequest } from './notification.ts';
export type { ConfirmedServiceError, ConfirmedServiceName, ExceptionResponse, ExceptionServiceError, ExceptionStateErrorName, ServiceError } from './service-errors.ts';
export { DataBlockReassembler, GeneralBlockTransferReassembler, splitIntoBlocks } from './block-transfer.ts';
export type { BlockReassemblyResult, GeneralBlockTransfer } from './block-transfer.ts';
export { ACTION_RESULT, DATA_ACCESS_RESULT, NamedEnum } from './enums.ts';
export type { ActionResult, ActionResultName, DataAccessResult, DataAccessResultName } from './enums.ts';
export {
  decodeInvokeIdAndPriority,
  decodeLongInvokeIdAndPriority,
  encodeInvokeIdAndPriority,
  encodeLongInvokeIdAndPriority,
} from './primitives.ts';
export type {
  CosemAttributeDescriptor,
  CosemAttributeDescriptorWithSelection,
  CosemMethodDescriptor,
  DataBlockG,
  DataBlockSa,
  GetDataResult,
  InvokeIdAndPriority,
  LongInvokeIdAndPriority,
  SelectiveAccessDescriptor,
} from './primitives.ts';
export {
  CLOCK_CAPTURE_OBJECT,
  ENTRY_DESCRIPTOR_SELECTOR,
  RANGE_DESCRIPTOR_SELECTOR,
  entryDescriptor,
  parseEntryDescriptor,
  parseRangeDescriptor,
  rangeDescriptor,
} from './selective-access.ts';
export type { CaptureObjectDefinition, EntryDescriptor, RangeDescriptor } from './selective-access.ts';
export { actionRequest, attributeDescriptor, getRequest, getRequestNext, methodDescriptor, setRequest } from './builders.ts';
export type { RequestOptions } from './builders.ts';

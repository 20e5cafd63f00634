import type {
  ActionResponseWithOptionalData,
  CosemAttributeDescriptor,
  CosemMethodDescriptor,
  DataAccessResult,
  DlmsData,
  GetDataResult,
  SelectiveAccessDescriptor,
} from '@openams/dlms';
import type { SessionMechanism } from '../common/dlms.ts';

/** What an association may do with the objects: the coarse access right of a client SAP. */
export type AccessLevel = 'read-only' | 'read-write';

/** Who is asking: handed to every `CosemObjectHandler` call so it can apply finer access rules. */
export interface ServerRequestContext {
  readonly clientSap: number;
  readonly mechanism: SessionMechanism;
  readonly access: AccessLevel;
  readonly ciphered: boolean;
  /** The client system title from the AARQ (ciphered or HLS associations). */
  readonly clientSystemTitle?: Uint8Array;
}

/**
 * The COSEM objects of one logical device, as the server reaches them. The server has already
 * checked the association, the ciphering and the coarse access right (a read-only client never
 * reaches `set` or `action`), and handles reply_to_HLS_authentication itself. A refusal is a
 * result (`{ type: 'data-access-result', value: 'object-undefined' }`, `'read-write-denied'`, …);
 * a thrown error is answered with `other-reason`.
 */
export interface CosemObjectHandler {
  /** Read one attribute, with selective access if the client gave one. */
  get(descriptor: CosemAttributeDescriptor, access: SelectiveAccessDescriptor | undefined, context: ServerRequestContext): GetDataResult | Promise<GetDataResult>;
  /** Write one attribute; `success` or why not. */
  set(
    descriptor: CosemAttributeDescriptor,
    value: DlmsData,
    access: SelectiveAccessDescriptor | undefined,
    context: ServerRequestContext,
  ): DataAccessResult | Promise<DataAccessResult>;
  /** Invoke one method. */
  action(
    descriptor: CosemMethodDescriptor,
    parameters: DlmsData | undefined,
    context: ServerRequestContext,
  ): ActionResponseWithOptionalData | Promise<ActionResponseWithOptionalData>;
}

import { obisFromBytes, obisToBytes } from '@openams/dlms';
import type {
  ActionResponseWithOptionalData,
  CaptureObjectDefinition,
  DataAccessResult,
  DlmsData,
  GetDataResult,
  Obis,
  SelectiveAccessDescriptor,
} from '@openams/dlms';
import type { ServerRequestContext } from '@openams/dlms-session';
import type { CosemMeter } from './model.ts';

/**
 * Small builders for the A-XDR values the objects answer with, and the shape every object of
 * the model implements. Kept apart so each object file reads as its Blue Book table.
 */

/** unsigned (Unsigned8). */
export const u8 = (value: number): DlmsData => ({ type: 'unsigned', value });
/** long-unsigned (Unsigned16). */
export const u16 = (value: number): DlmsData => ({ type: 'long-unsigned', value });
/** double-long-unsigned (Unsigned32); counters wrap at 2^32 as a meter's 32-bit register does. */
export const u32 = (value: number): DlmsData => ({ type: 'double-long-unsigned', value: ((Math.trunc(value) % 0x100000000) + 0x100000000) % 0x100000000 });
/** integer (Integer8). */
export const i8 = (value: number): DlmsData => ({ type: 'integer', value });
/** long (Integer16). */
export const i16 = (value: number): DlmsData => ({ type: 'long', value });
/** enum. */
export const enumeration = (value: number): DlmsData => ({ type: 'enum', value });
/** boolean. */
export const bool = (value: boolean): DlmsData => ({ type: 'boolean', value });
/** octet-string. */
export const octets = (value: Uint8Array): DlmsData => ({ type: 'octet-string', value });
/** An ASCII text as the octet-string meters use for names and versions. */
export const ascii = (text: string): DlmsData => ({ type: 'octet-string', value: new TextEncoder().encode(text) });
/** structure. */
export const structure = (...value: DlmsData[]): DlmsData => ({ type: 'structure', value });
/** array. */
export const array = (value: DlmsData[]): DlmsData => ({ type: 'array', value });
/** A logical name: the 6-byte octet-string of an OBIS code. */
export const logicalName = (obis: Obis): DlmsData => octets(obisToBytes(obis));

/** Register scaler_unit (Blue Book "Register", attribute 3): structure { scaler integer, unit enum }. */
export const scalerUnit = (scaler: number, unit: number): DlmsData => structure(i8(scaler), enumeration(unit));

/** Blue Book 4.3.6 capture_object_definition. */
export function captureObjectData(c: CaptureObjectDefinition): DlmsData {
  return structure(u16(c.classId), logicalName(c.logicalName), i8(c.attributeIndex), u16(c.dataIndex));
}

/** A GET answer carrying a value. */
export function value(data: DlmsData): GetDataResult {
  return { type: 'data', value: data };
}

/** A GET refusal. */
export function refused(reason: DataAccessResult): GetDataResult {
  return { type: 'data-access-result', value: reason };
}

/** An ACTION answer without return parameters. */
export function actionResult(result: ActionResponseWithOptionalData['result']): ActionResponseWithOptionalData {
  return { result };
}

/** Access right of one attribute for the management client (the Association LN access_mode). */
export type AttributeAccess = 'none' | 'read' | 'read-write';

/** Who asks, beyond the DLMS context: the connection it came on (pending key changes belong to one). */
export interface RequestScope {
  readonly context: ServerRequestContext;
  readonly connection: object;
}

/**
 * One COSEM object of the model: its identity in the object list, the access rights a real
 * meter's Association LN objects give (management client: `attributes` and every method; public
 * client: `publicRead` only, or not listed at all), and its behaviour. The handler checks the
 * rights before calling `get`, `set` or `action`, and answers attribute 1 (logical_name) itself.
 */
export interface CosemObjectDef {
  readonly classId: number;
  readonly version: number;
  readonly obis: Obis;
  /** Management client access of attributes 1, 2, … in order. */
  readonly attributes: readonly AttributeAccess[];
  /** Number of methods (all callable by the management client). */
  readonly methods: number;
  /** Attributes the public client (SAP 16) may read; absent: not in its object list. */
  readonly publicRead?: readonly number[];
  /** Attribute 2 takes selective access (profile buffers): selectors 1 (range) and 2 (entry). */
  readonly selectiveAccess?: boolean;
  get(m: CosemMeter, attributeId: number, access: SelectiveAccessDescriptor | undefined, scope: RequestScope): GetDataResult;
  set?(m: CosemMeter, attributeId: number, data: DlmsData, scope: RequestScope): DataAccessResult;
  action?(m: CosemMeter, methodId: number, parameters: DlmsData | undefined, scope: RequestScope): ActionResponseWithOptionalData;
}

/** The logical name in a 6-byte octet-string, or undefined. */
export function obisOf(data: DlmsData | undefined): Obis | undefined {
  return data?.type === 'octet-string' && data.value.length === 6 ? obisFromBytes(data.value) : undefined;
}

/** The number of an integer-valued data item, or undefined. */
export function numberOf(data: DlmsData | undefined): number | undefined {
  if (data === undefined) return undefined;
  switch (data.type) {
    case 'integer':
    case 'long':
    case 'unsigned':
    case 'long-unsigned':
    case 'double-long':
    case 'double-long-unsigned':
    case 'enum':
      return data.value;
    case 'long64':
    case 'long64-unsigned':
      return Number(data.value);
    default:
      return undefined;
  }
}

import type { DlmsData } from '../axdr/index.ts';
import { isObis, parseObis } from '../obis/obis.ts';
import type { Obis } from '../obis/obis.ts';
import type { ActionRequestNormal } from './action.ts';
import type { GetRequestNext, GetRequestNormal } from './get.ts';
import { checkRange } from './primitives.ts';
import type { CosemAttributeDescriptor, CosemMethodDescriptor, InvokeIdAndPriority, SelectiveAccessDescriptor } from './primitives.ts';
import type { SetRequestNormal } from './set.ts';

/** How a head-end request is flagged; confirmed and high priority unless told otherwise (0xC0|id). */
export interface RequestOptions {
  /** 0–15; the session numbers its requests with it and matches the response. */
  readonly invokeId: number;
  readonly confirmed?: boolean;
  readonly highPriority?: boolean;
}

function iip(o: RequestOptions): InvokeIdAndPriority {
  checkRange(o.invokeId, 0, 15, 'invoke id');
  return { invokeId: o.invokeId, confirmed: o.confirmed ?? true, highPriority: o.highPriority ?? true };
}

function obis(o: Obis | string): Obis {
  return isObis(o) ? o : parseObis(o);
}

/** `{ classId, instanceId, attributeId }` from an OBIS code in any form `parseObis` reads. */
export function attributeDescriptor(classId: number, instanceId: Obis | string, attributeId: number): CosemAttributeDescriptor {
  return { classId, instanceId: obis(instanceId), attributeId };
}

/** `{ classId, instanceId, methodId }` from an OBIS code in any form `parseObis` reads. */
export function methodDescriptor(classId: number, instanceId: Obis | string, methodId: number): CosemMethodDescriptor {
  return { classId, instanceId: obis(instanceId), methodId };
}

/** A get-request-normal, e.g. `getRequest(attributeDescriptor(8, '0-0:1.0.0.255', 2), { invokeId: 1 })`. */
export function getRequest(descriptor: CosemAttributeDescriptor, options: RequestOptions & { readonly access?: SelectiveAccessDescriptor }): GetRequestNormal {
  return {
    type: 'get-request-normal',
    invokeIdAndPriority: iip(options),
    descriptor,
    ...(options.access !== undefined ? { accessSelection: options.access } : {}),
  };
}

/** A get-request-next for the block after `blockNumber` (the last one received). */
export function getRequestNext(blockNumber: number, options: RequestOptions): GetRequestNext {
  return { type: 'get-request-next', invokeIdAndPriority: iip(options), blockNumber };
}

/** A set-request-normal writing `value`. */
export function setRequest(
  descriptor: CosemAttributeDescriptor,
  value: DlmsData,
  options: RequestOptions & { readonly access?: SelectiveAccessDescriptor },
): SetRequestNormal {
  return {
    type: 'set-request-normal',
    invokeIdAndPriority: iip(options),
    descriptor,
    ...(options.access !== undefined ? { accessSelection: options.access } : {}),
    value,
  };
}

/** An action-request-normal, with parameters when the method takes any. */
export function actionRequest(descriptor: CosemMethodDescriptor, parameters: DlmsData | undefined, options: RequestOptions): ActionRequestNormal {
  return { type: 'action-request-normal', invokeIdAndPriority: iip(options), descriptor, ...(parameters !== undefined ? { parameters } : {}) };
}

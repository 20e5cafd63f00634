import type {
  ActionResponseWithOptionalData,
  CosemAttributeDescriptor,
  CosemMethodDescriptor,
  DataAccessResult,
  DlmsData,
  GetDataResult,
  Obis,
  SelectiveAccessDescriptor,
} from '@openams/dlms';
import type { CosemObjectHandler, ServerRequestContext } from '@openams/dlms-session';
import { associationObject, attributeAccess, roleOf, visibleTo } from './association.ts';
import { clockObject } from './clock.ts';
import { actionResult, logicalName, refused, value } from './data.ts';
import type { CosemObjectDef, RequestScope } from './data.ts';
import { disconnectControlObject, limiterObject } from './disconnect.ts';
import { imageTransferObject } from './image-transfer.ts';
import type { CosemMeter, ProfileValueMode } from './model.ts';
import { eventLogObject, loadProfileObject } from './profile.ts';
import { pushSetupObjects } from './push.ts';
import { dataObjects, registerObjects } from './registers.ts';
import { securitySetupObject } from './security.ts';

/** The objects of the model, in object-list order, and by logical name. */
export interface CosemCatalog {
  readonly objects: readonly CosemObjectDef[];
  readonly byObis: ReadonlyMap<Obis, CosemObjectDef>;
}

/** A `CosemObjectHandler` that answers synchronously: the object model never waits for anything. */
export interface MeterObjectHandler extends CosemObjectHandler {
  get(descriptor: CosemAttributeDescriptor, access: SelectiveAccessDescriptor | undefined, context: ServerRequestContext): GetDataResult;
  set(descriptor: CosemAttributeDescriptor, value: DlmsData, access: SelectiveAccessDescriptor | undefined, context: ServerRequestContext): DataAccessResult;
  action(descriptor: CosemMethodDescriptor, parameters: DlmsData | undefined, context: ServerRequestContext): ActionResponseWithOptionalData;
}

const catalogs = new Map<ProfileValueMode, CosemCatalog>();

/**
 * The object model every virtual meter shares (built once per profile style; it holds no meter
 * state): the IDIS-style object list of an Aidon/Kaifa/Kamstrup meter as the head-end sees it.
 */
export function cosemCatalog(mode: ProfileValueMode = 'cumulative'): CosemCatalog {
  let catalog = catalogs.get(mode);
  if (catalog !== undefined) return catalog;
  const objects: CosemObjectDef[] = [];
  objects.push(
    associationObject(() => objects),
    clockObject,
    ...dataObjects(),
    ...registerObjects(mode === 'delta'),
    loadProfileObject(1, mode === 'delta'),
    loadProfileObject(2, mode === 'delta'),
    eventLogObject('standard'),
    eventLogObject('fraud'),
    eventLogObject('disconnect'),
    eventLogObject('powerFailure'),
    disconnectControlObject,
    limiterObject,
    imageTransferObject,
    securitySetupObject(),
    ...pushSetupObjects(),
  );
  catalog = { objects, byObis: new Map(objects.map((d) => [d.obis, d])) };
  catalogs.set(mode, catalog);
  return catalog;
}

/**
 * The `CosemObjectHandler` of one meter on one connection, for `DlmsServer`. Access rights as
 * a real meter's Association LN objects give them: an object outside the client's object list
 * (or unknown) is `object-undefined`; a known object asked under another class id is
 * `object-class-inconsistent`; an attribute the client may not read or write is
 * `read-write-denied`; selective access where the attribute takes none is
 * `scope-of-access-violated`. `connection` identifies the connection (key changes made on it
 * take effect when its association ends); `serveMeter` passes one per connection.
 */
export function createCosemHandler(m: CosemMeter, connection: object = {}): MeterObjectHandler {
  const catalog = cosemCatalog(m.env.profileValues);
  const find = (classId: number, obis: Obis, scope: RequestScope): CosemObjectDef | DataAccessResult => {
    const def = catalog.byObis.get(obis);
    if (def === undefined || !visibleTo(def, roleOf(scope.context))) return 'object-undefined';
    if (def.classId !== classId) return 'object-class-inconsistent';
    return def;
  };
  return {
    get(descriptor, access, context): GetDataResult {
      const scope = { context, connection };
      const def = find(descriptor.classId, descriptor.instanceId, scope);
      if (typeof def !== 'object') return refused(def);
      const id = descriptor.attributeId;
      if (id < 1 || id > def.attributes.length) return refused('object-undefined');
      if (attributeAccess(def, id, roleOf(context)) === 'none') return refused('read-write-denied');
      if (access !== undefined && !(def.selectiveAccess === true && id === 2)) return refused('scope-of-access-violated');
      if (id === 1) return value(logicalName(def.obis));
      return def.get(m, id, access, scope);
    },
    set(descriptor, data, access, context): DataAccessResult {
      const scope = { context, connection };
      const def = find(descriptor.classId, descriptor.instanceId, scope);
      if (typeof def !== 'object') return def;
      const id = descriptor.attributeId;
      if (id < 1 || id > def.attributes.length) return 'object-undefined';
      if (attributeAccess(def, id, roleOf(context)) !== 'read-write' || def.set === undefined) return 'read-write-denied';
      if (access !== undefined) return 'scope-of-access-violated';
      return def.set(m, id, data, scope);
    },
    action(descriptor, parameters, context): ActionResponseWithOptionalData {
      const scope = { context, connection };
      const def = find(descriptor.classId, descriptor.instanceId, scope);
      if (typeof def !== 'object') return actionResult(def === 'object-undefined' ? 'object-undefined' : 'object-class-inconsistent');
      const id = descriptor.methodId;
      if (id < 1 || id > def.methods) return actionResult('object-undefined');
      if (roleOf(context) !== 'management' || def.action === undefined) return actionResult('read-write-denied');
      return def.action(m, id, parameters, scope);
    },
  };
}

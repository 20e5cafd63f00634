import { conformanceFromNames, parseObis } from '@openams/dlms';
import type { DlmsData } from '@openams/dlms';
import type { ServerRequestContext } from '@openams/dlms-session';
import { actionResult, array, enumeration, i8, logicalName, octets, refused, structure, u16, u8, value } from './data.ts';
import type { AttributeAccess, CosemObjectDef } from './data.ts';
import { SECURITY_SETUP_OBIS } from './security.ts';

/** The current association (Blue Book "Association LN", instance 0-0:40.0.0.255). */
export const CURRENT_ASSOCIATION_OBIS = parseObis('0-0:40.0.0.255');

/** Who the client is, as far as the object model's access rights go. */
export type ClientRole = 'management' | 'public' | 'none';

/** The management client (SAP 1) with HLS5-GMAC reads and writes; the public client (SAP 16) reads a few objects. */
export function roleOf(context: ServerRequestContext): ClientRole {
  if (context.clientSap === 1 && context.mechanism === 'high-gmac' && context.ciphered) return 'management';
  if (context.clientSap === 16) return 'public';
  return 'none';
}

/** Whether an object is in the object list of this role. */
export function visibleTo(def: CosemObjectDef, role: ClientRole): boolean {
  return role === 'management' || (role === 'public' && def.publicRead !== undefined);
}

/** The access right of an attribute for a role. */
export function attributeAccess(def: CosemObjectDef, attributeId: number, role: ClientRole): AttributeAccess {
  if (role === 'management') return def.attributes[attributeId - 1] ?? 'none';
  if (role === 'public' && def.publicRead?.includes(attributeId)) return 'read';
  return 'none';
}

const ACCESS_MODE: Readonly<Record<AttributeAccess, number>> = { none: 0, read: 1, 'read-write': 3 };
// DLMS UA OIDs as their BER content (Green Book 9.4.2.2.2/3): 2.16.756.5.8.1.x and 2.16.756.5.8.2.x.
const OID_PREFIX = [0x60, 0x85, 0x74, 0x05, 0x08];
/** What the server offers (`DlmsServer`'s default conformance) and its PDU size. */
const CONFORMANCE = conformanceFromNames(['get', 'set', 'action', 'selective-access', 'multiple-references', 'block-transfer-with-get-or-read', 'general-block-transfer']);
const MAX_PDU = 1024;

function objectListEntry(def: CosemObjectDef, role: ClientRole): DlmsData {
  const attributes = def.attributes.map((_, i) => {
    const id = i + 1;
    const selectors: DlmsData = def.selectiveAccess && id === 2 ? array([i8(1), i8(2)]) : { type: 'null-data' };
    return structure(i8(id), enumeration(ACCESS_MODE[attributeAccess(def, id, role)]), selectors);
  });
  const methods = Array.from({ length: def.methods }, (_, i) => structure(i8(i + 1), enumeration(role === 'management' ? 1 : 0)));
  return structure(u16(def.classId), u8(def.version), logicalName(def.obis), structure(array(attributes), array(methods)));
}

/**
 * Association LN (Blue Book "Association LN (class_id = 15, version = 1)"), the current
 * association: object_list with this client's access rights (the public client sees only the
 * objects it may read), associated_partners_id, application_context_name and
 * authentication_mechanism_name as the DLMS UA OIDs, xDLMS_context_info, association_status
 * (associated: a request only reaches the handler once HLS passes 3 and 4 are done) and the
 * security setup reference. reply_to_HLS_authentication (method 1) is answered by
 * `@openams/dlms-session`'s `DlmsServer` itself and never reaches this object; the other methods
 * answer `read-write-denied` (HLS5 has no secret to change; the object list is fixed).
 */
export function associationObject(catalog: () => readonly CosemObjectDef[]): CosemObjectDef {
  return {
    classId: 15,
    version: 1,
    obis: CURRENT_ASSOCIATION_OBIS,
    attributes: ['read', 'read', 'read', 'read', 'read', 'read', 'none', 'read', 'read'],
    methods: 4,
    publicRead: [1, 2, 3, 4, 5, 6, 8, 9],
    get(_m, attributeId, _access, scope) {
      const context = scope.context;
      const role = roleOf(context);
      switch (attributeId) {
        case 2:
          return value(array(catalog().filter((d) => visibleTo(d, role)).map((d) => objectListEntry(d, role))));
        case 3:
          return value(structure(i8(context.clientSap), u16(1)));
        case 4:
          return value(octets(Uint8Array.from([...OID_PREFIX, 0x01, context.ciphered ? 3 : 1])));
        case 5: {
          const c = CONFORMANCE.value;
          return value(
            structure(
              { type: 'bit-string', bitLength: 24, value: Uint8Array.of(c >> 16, (c >> 8) & 0xff, c & 0xff) },
              u16(MAX_PDU),
              u16(MAX_PDU),
              u8(6),
              i8(0),
              octets(new Uint8Array(0)),
            ),
          );
        }
        case 6: {
          const id = context.mechanism === 'high-gmac' ? 5 : context.mechanism === 'low' ? 1 : 0;
          return value(octets(Uint8Array.from([...OID_PREFIX, 0x02, id])));
        }
        case 8:
          return value(enumeration(2)); // associated
        case 9:
          return value(logicalName(SECURITY_SETUP_OBIS));
        default:
          return refused('object-undefined');
      }
    },
    action: () => actionResult('read-write-denied'),
  };
}

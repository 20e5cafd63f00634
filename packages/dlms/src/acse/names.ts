import { DlmsError } from '../errors/index.ts';

/** An OBJECT IDENTIFIER this codec has no name for, kept as dotted decimal so it re-encodes. */
export interface UnknownObjectIdentifier {
  readonly oid: string;
}

/** DLMS UA's arc `{ joint-iso-ccitt(2) country(16) country-name(756) identified-organization(5) DLMS-UA(8) }`. */
const DLMS_UA_ARC = '2.16.756.5.8';

/**
 * application-context-name ids (Green Book 9.4.2.2.2, Table "Application context names"):
 * `{ DLMS-UA application-context(1) context_id(n) }`.
 */
export const APPLICATION_CONTEXT_IDS = {
  'logical-name': 1,
  'short-name': 2,
  'logical-name-with-ciphering': 3,
  'short-name-with-ciphering': 4,
} as const;

/** One of the four application contexts the Green Book defines. */
export type KnownApplicationContextName = keyof typeof APPLICATION_CONTEXT_IDS;
/** An application context by name, or the raw OID when it is none of the four. */
export type ApplicationContextName = KnownApplicationContextName | UnknownObjectIdentifier;

/**
 * mechanism-name ids (Green Book 9.4.2.2.3, Table "Authentication mechanism names"):
 * `{ DLMS-UA authentication_mechanism_name(2) mechanism_id(n) }`. `lowest` is no authentication,
 * `low` is LLS (a password), the `high…` ones are the HLS variants (5, GMAC, is HLS5).
 */
export const MECHANISM_IDS = {
  lowest: 0,
  low: 1,
  high: 2,
  'high-md5': 3,
  'high-sha1': 4,
  'high-gmac': 5,
  'high-sha256': 6,
  'high-ecdsa': 7,
} as const;

/** One of the eight authentication mechanisms the Green Book defines. */
export type KnownMechanismName = keyof typeof MECHANISM_IDS;
/** A mechanism by name, or the raw OID when it is none of the eight. */
export type MechanismName = KnownMechanismName | UnknownObjectIdentifier;

/** `table[key]` only for the table's own keys, so 'toString' and friends are not names. */
function ownValue(table: Readonly<Record<string, number>>, key: string): number | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

function namesByOid<K extends string>(ids: Readonly<Record<K, number>>, arc: string): ReadonlyMap<string, K> {
  return new Map(Object.entries<number>(ids).map(([name, id]) => [`${arc}.${id}`, name as K]));
}

const CONTEXT_BY_OID = namesByOid<KnownApplicationContextName>(APPLICATION_CONTEXT_IDS, `${DLMS_UA_ARC}.1`);
const MECHANISM_BY_OID = namesByOid<KnownMechanismName>(MECHANISM_IDS, `${DLMS_UA_ARC}.2`);

/** The name of a context OID, or the OID itself when DLMS defines no such context. */
export function applicationContextFromOid(oid: string): ApplicationContextName {
  return CONTEXT_BY_OID.get(oid) ?? { oid };
}

/** The dotted OID of an application context name. */
export function applicationContextToOid(name: ApplicationContextName): string {
  if (typeof name !== 'string') return name.oid;
  const id = ownValue(APPLICATION_CONTEXT_IDS, name);
  if (id === undefined) throw new DlmsError('INVALID_VALUE', `'${name}' is not an application context name`);
  return `${DLMS_UA_ARC}.1.${id}`;
}

/** The name of a mechanism OID, or the OID itself when DLMS defines no such mechanism. */
export function mechanismFromOid(oid: string): MechanismName {
  return MECHANISM_BY_OID.get(oid) ?? { oid };
}

/** The dotted OID of a mechanism name. */
export function mechanismToOid(name: MechanismName): string {
  if (typeof name !== 'string') return name.oid;
  const id = ownValue(MECHANISM_IDS, name);
  if (id === undefined) throw new DlmsError('INVALID_VALUE', `'${name}' is not an authentication mechanism name`);
  return `${DLMS_UA_ARC}.2.${id}`;
}

/** Whether an application context asks for ciphered xDLMS APDUs (context ids 3 and 4). */
export function isCipheredContext(name: ApplicationContextName): boolean {
  return name === 'logical-name-with-ciphering' || name === 'short-name-with-ciphering';
}

/** Association-result (Green Book 9.5, AARE-apdu `result [2]`); the array index is the value. */
export const ASSOCIATION_RESULTS = ['accepted', 'rejected-permanent', 'rejected-transient'] as const;
/**
 * `accepted`, or why not. No other value is accepted on decode: whether the association exists
 * depends on it, so an unknown result is an error (INVALID_VALUE), never a guess.
 */
export type AssociationResult = (typeof ASSOCIATION_RESULTS)[number];

/** Associate-source-diagnostic `acse-service-user [1]` values; the array index is the value. */
export const ACSE_SERVICE_USER_DIAGNOSTICS = [
  'null',
  'no-reason-given',
  'application-context-name-not-supported',
  'calling-AP-title-not-recognized',
  'calling-AP-invocation-identifier-not-recognized',
  'calling-AE-qualifier-not-recognized',
  'calling-AE-invocation-identifier-not-recognized',
  'called-AP-title-not-recognized',
  'called-AP-invocation-identifier-not-recognized',
  'called-AE-qualifier-not-recognized',
  'called-AE-invocation-identifier-not-recognized',
  'authentication-mechanism-name-not-recognised',
  'authentication-mechanism-name-required',
  'authentication-failure',
  'authentication-required',
] as const;
/** One of the acse-service-user diagnostics the Green Book names. */
export type KnownAcseServiceUserDiagnostic = (typeof ACSE_SERVICE_USER_DIAGNOSTICS)[number];
/**
 * Why the ACSE service user (the server application) answered as it did: a name, or the raw
 * INTEGER when the Green Book names none (a vendor-specific diagnostic), kept so it re-encodes.
 */
export type AcseServiceUserDiagnostic = KnownAcseServiceUserDiagnostic | number;

/** Associate-source-diagnostic `acse-service-provider [2]` values; the array index is the value. */
export const ACSE_SERVICE_PROVIDER_DIAGNOSTICS = ['null', 'no-reason-given', 'no-common-acse-version'] as const;
/** One of the acse-service-provider diagnostics the Green Book names. */
export type KnownAcseServiceProviderDiagnostic = (typeof ACSE_SERVICE_PROVIDER_DIAGNOSTICS)[number];
/** Why the ACSE service provider answered as it did: a name, or the raw INTEGER when it has none. */
export type AcseServiceProviderDiagnostic = KnownAcseServiceProviderDiagnostic | number;

/**
 * Associate-source-diagnostic: which part of the server refused (or `null` when accepted), and
 * why. The diagnostic is a number only for values without a name (`{ source: 'acse-service-user',
 * diagnostic: 15 }`); a named value is always given by its name.
 */
export type AssociateSourceDiagnostic =
  | { readonly source: 'acse-service-user'; readonly diagnostic: AcseServiceUserDiagnostic }
  | { readonly source: 'acse-service-provider'; readonly diagnostic: AcseServiceProviderDiagnostic };

/** Release-request-reason (Green Book 9.5, RLRQ-apdu `reason [0]`). */
export const RELEASE_REQUEST_REASONS = { normal: 0, urgent: 1, 'user-defined': 30 } as const;
/** One of the release-request reasons the Green Book names. */
export type KnownReleaseRequestReason = keyof typeof RELEASE_REQUEST_REASONS;
/** Why the client releases the association: a name, or the raw INTEGER when it has none. */
export type ReleaseRequestReason = KnownReleaseRequestReason | number;

/** Release-response-reason (Green Book 9.5, RLRE-apdu `reason [0]`). */
export const RELEASE_RESPONSE_REASONS = { normal: 0, 'not-finished': 1, 'user-defined': 30 } as const;
/** One of the release-response reasons the Green Book names. */
export type KnownReleaseResponseReason = keyof typeof RELEASE_RESPONSE_REASONS;
/** The server's answer to a release request: a name, or the raw INTEGER when it has none. */
export type ReleaseResponseReason = KnownReleaseResponseReason | number;

type ValueTable<K extends string> = Readonly<Record<K, number>> | readonly K[];

/** The name a value table gives `value`, if any. */
function lookupName<K extends string>(table: ValueTable<K>, value: number): K | undefined {
  if (Array.isArray(table)) return value >= 0 ? (table as readonly K[])[value] : undefined;
  for (const [name, v] of Object.entries<number>(table as Readonly<Record<K, number>>)) if (v === value) return name as K;
  return undefined;
}

/** The value a table gives `name`, if `name` is one of its names. */
function lookupValue<K extends string>(table: ValueTable<K>, name: K): number | undefined {
  if (Array.isArray(table)) {
    const i = (table as readonly K[]).indexOf(name);
    return i < 0 ? undefined : i;
  }
  return ownValue(table as Readonly<Record<string, number>>, name);
}

/** The name of `value` in a value table, or INVALID_VALUE naming the field (for closed enumerations). */
export function nameOf<K extends string>(table: ValueTable<K>, value: number, what: string, offset: number): K {
  const name = lookupName(table, value);
  if (name === undefined) throw new DlmsError('INVALID_VALUE', `${value} is not a defined ${what}`, { offset });
  return name;
}

/**
 * The name of `value`, or `value` itself when the table names none. For the INTEGERs with named
 * values that ACSE leaves open (diagnostics, release reasons): a vendor value must reach the
 * caller rather than turn the meter's answer into a decode error.
 */
export function nameOrNumber<K extends string>(table: ValueTable<K>, value: number): K | number {
  return lookupName(table, value) ?? value;
}

/** The value of `name` in a value table, or INVALID_VALUE naming the field. */
export function valueOf<K extends string>(table: ValueTable<K>, name: K, what: string): number {
  const v = lookupValue(table, name);
  if (v === undefined) throw new DlmsError('INVALID_VALUE', `'${String(name)}' is not a ${what}`);
  return v;
}

/**
 * The inverse of `nameOrNumber`. A number the table has a name for is refused: it would decode
 * back as the name, and `decode(encode(x))` must give `x`.
 */
export function valueOfNameOrNumber<K extends string>(table: ValueTable<K>, v: K | number, what: string): number {
  if (typeof v !== 'number') return valueOf(table, v, what);
  const name = lookupName(table, v);
  if (name !== undefined) throw new DlmsError('INVALID_VALUE', `${what} ${v} has a name: give '${name}' instead of the number`);
  return v;
}

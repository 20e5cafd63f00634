import type { ByteReader, ByteWriter } from '../bytes/index.ts';
import { DlmsError } from '../errors/index.ts';
import { NamedEnum } from './enums.ts';
import { checkRange } from './primitives.ts';

/** APDU tag of `confirmedServiceError [14]` (Green Book 9.5). */
export const CONFIRMED_SERVICE_ERROR_TAG = 0x0e;
/** APDU tag of `exception-response [216]`. */
export const EXCEPTION_RESPONSE_TAG = 0xd8;

// ---------------------------------------------------------------------------------------------
// ExceptionResponse
// ---------------------------------------------------------------------------------------------

/** `state-error [0] IMPLICIT ENUMERATED` of ExceptionResponse. */
export type ExceptionStateErrorName = 'service-not-allowed' | 'service-unknown';

const STATE_ERROR = new NamedEnum<ExceptionStateErrorName>('state-error', { 'service-not-allowed': 1, 'service-unknown': 2 });

/**
 * `service-error [1] CHOICE` of ExceptionResponse. Editions before 8 had an ENUMERATED of the
 * first three; a CHOICE of NULLs encodes to the same byte, and later editions added
 * `invocation-counter-error [6] IMPLICIT Unsigned32` (the counter the server expected). A tag no
 * edition defines is kept as `unknown` (with no content, since its type is unknown).
 */
export type ExceptionServiceError =
  | { readonly type: 'operation-not-possible' | 'service-not-supported' | 'other-reason' | 'pdu-too-long' | 'deciphering-error' }
  | { readonly type: 'invocation-counter-error'; readonly invocationCounter: number }
  | { readonly type: 'unknown'; readonly tag: number };

const SERVICE_ERROR_NULL_TAGS = {
  'operation-not-possible': 1,
  'service-not-supported': 2,
  'other-reason': 3,
  'pdu-too-long': 4,
  'deciphering-error': 5,
} as const;
const INVOCATION_COUNTER_ERROR_TAG = 6;
const NULL_CHOICE_BY_TAG: ReadonlyMap<number, keyof typeof SERVICE_ERROR_NULL_TAGS> = new Map(
  Object.entries(SERVICE_ERROR_NULL_TAGS).map(([k, v]) => [v, k as keyof typeof SERVICE_ERROR_NULL_TAGS]),
);

/**
 * `ExceptionResponse ::= SEQUENCE { state-error, service-error }` (Green Book 9.5): the server
 * could not even parse or accept the request (wrong state, unknown service, failed deciphering).
 */
export interface ExceptionResponse {
  readonly type: 'exception-response';
  readonly stateError: ExceptionStateErrorName | number;
  readonly serviceError: ExceptionServiceError;
}

/** Decode an ExceptionResponse after its APDU tag. */
export function decodeExceptionResponse(r: ByteReader): ExceptionResponse {
  const stateError = STATE_ERROR.read(r);
  const tag = r.u8('the service-error choice');
  let serviceError: ExceptionServiceError;
  const nullChoice = NULL_CHOICE_BY_TAG.get(tag);
  if (nullChoice !== undefined) serviceError = { type: nullChoice };
  else if (tag === INVOCATION_COUNTER_ERROR_TAG) serviceError = { type: 'invocation-counter-error', invocationCounter: r.u32('the expected invocation counter') };
  else serviceError = { type: 'unknown', tag };
  return { type: 'exception-response', stateError, serviceError };
}

/** Encode an ExceptionResponse, APDU tag included. */
export function encodeExceptionResponse(w: ByteWriter, apdu: ExceptionResponse): void {
  w.u8(EXCEPTION_RESPONSE_TAG);
  STATE_ERROR.write(w, apdu.stateError);
  const e = apdu.serviceError;
  switch (e.type) {
    case 'invocation-counter-error':
      w.u8(INVOCATION_COUNTER_ERROR_TAG).u32(e.invocationCounter);
      return;
    case 'unknown':
      checkRange(e.tag, 0, 0xff, 'service-error tag');
      if (NULL_CHOICE_BY_TAG.has(e.tag) || e.tag === INVOCATION_COUNTER_ERROR_TAG) {
        throw new DlmsError('INVALID_VALUE', `service-error tag ${e.tag} has a name; use it instead of 'unknown'`);
      }
      w.u8(e.tag);
      return;
    default:
      w.u8(SERVICE_ERROR_NULL_TAGS[e.type]);
  }
}

// ---------------------------------------------------------------------------------------------
// ConfirmedServiceError
// ---------------------------------------------------------------------------------------------

/** The ConfirmedServiceError CHOICE names (Green Book 9.5), kebab-cased: `initiateError` → `initiate-error`. */
export type ConfirmedServiceName =
  | 'initiate-error'
  | 'get-status'
  | 'get-name-list'
  | 'get-variable-attribute'
  | 'read'
  | 'write'
  | 'get-data-set-attribute'
  | 'get-ti-attribute'
  | 'change-scope'
  | 'start'
  | 'stop'
  | 'resume'
  | 'make-usable'
  | 'initiate-load'
  | 'load-segment'
  | 'terminate-load'
  | 'initiate-upload'
  | 'upload-segment'
  | 'terminate-upload';

const CONFIRMED_SERVICE = new NamedEnum<ConfirmedServiceName>('ConfirmedServiceError choice', {
  'initiate-error': 1,
  'get-status': 2,
  'get-name-list': 3,
  'get-variable-attribute': 4,
  read: 5,
  write: 6,
  'get-data-set-attribute': 7,
  'get-ti-attribute': 8,
  'change-scope': 9,
  start: 10,
  stop: 11,
  resume: 12,
  'make-usable': 13,
  'initiate-load': 14,
  'load-segment': 15,
  'terminate-load': 16,
  'initiate-upload': 17,
  'upload-segment': 18,
  'terminate-upload': 19,
});

/**
 * The ServiceError CHOICE (Green Book 9.5): each alternative is an IMPLICIT ENUMERATED. The
 * reserved `change-scope [8]` and `other [10]` have no named values.
 */
const SERVICE_ERROR_CHOICES = {
  'application-reference': {
    tag: 0,
    values: [
      'other',
      'time-elapsed',
      'application-unreachable',
      'application-reference-invalid',
      'application-context-unsupported',
      'provider-communication-error',
      'deciphering-error',
    ],
  },
  'hardware-resource': {
    tag: 1,
    values: ['other', 'memory-unavailable', 'processor-resource-unavailable', 'mass-storage-unavailable', 'other-resource-unavailable'],
  },
  'vde-state-error': { tag: 2, values: ['other', 'no-dlms-context', 'loading-data-set', 'status-nochange', 'status-inoperable'] },
  service: { tag: 3, values: ['other', 'pdu-size', 'service-unsupported'] },
  definition: { tag: 4, values: ['other', 'object-undefined', 'object-class-inconsistent', 'object-attribute-inconsistent'] },
  access: { tag: 5, values: ['other', 'scope-of-access-violated', 'object-access-violated', 'hardware-fault', 'object-unavailable'] },
  initiate: { tag: 6, values: ['other', 'dlms-version-too-low', 'incompatible-conformance', 'pdu-size-too-short', 'refused-by-the-vde-handler'] },
  'load-data-set': {
    tag: 7,
    values: [
      'other',
      'primitive-out-of-sequence',
      'not-loadable',
      'dataset-size-too-large',
      'not-awaited-segment',
      'interpretation-failure',
      'storage-failure',
      'data-set-not-ready',
    ],
  },
  'change-scope': { tag: 8, values: [] },
  task: { tag: 9, values: ['other', 'no-remote-control', 'ti-stopped', 'ti-running', 'ti-unusable'] },
  other: { tag: 10, values: [] },
} as const;

type ServiceErrorChoices = typeof SERVICE_ERROR_CHOICES;

/** One ServiceError alternative: its name and the enumerated value (a name, or a number when unnamed). */
export type ServiceError =
  | { [K in keyof ServiceErrorChoices]: { readonly type: K; readonly value: ServiceErrorChoices[K]['values'][number] | number } }[keyof ServiceErrorChoices]
  /** A ServiceError tag no edition defines; its one-byte value is kept. */
  | { readonly type: 'unknown'; readonly tag: number; readonly value: number };

const SERVICE_ERROR_BY_TAG: ReadonlyMap<number, keyof ServiceErrorChoices> = new Map(
  (Object.keys(SERVICE_ERROR_CHOICES) as Array<keyof ServiceErrorChoices>).map((k) => [SERVICE_ERROR_CHOICES[k].tag, k]),
);

/**
 * `confirmedServiceError [14] ConfirmedServiceError` (Green Book 9.5): the server refuses a
 * confirmed service, most often the InitiateRequest inside an AARQ (`0E 01 06 01`: initiate-error,
 * initiate, dlms-version-too-low). `service` is a name, or the CHOICE tag when unknown.
 */
export interface ConfirmedServiceError {
  readonly type: 'confirmed-service-error';
  readonly service: ConfirmedServiceName | number;
  readonly error: ServiceError;
}

/** Decode a ConfirmedServiceError after its APDU tag: service CHOICE, ServiceError CHOICE, value. */
export function decodeConfirmedServiceError(r: ByteReader): ConfirmedServiceError {
  const service = CONFIRMED_SERVICE.read(r);
  const tag = r.u8('the ServiceError choice');
  const value = r.u8('the ServiceError value');
  const name = SERVICE_ERROR_BY_TAG.get(tag);
  let error: ServiceError;
  if (name === undefined) {
    error = { type: 'unknown', tag, value };
  } else {
    const values: readonly string[] = SERVICE_ERROR_CHOICES[name].values;
    error = { type: name, value: values[value] ?? value } as ServiceError;
  }
  return { type: 'confirmed-service-error', service, error };
}

/** Encode a ConfirmedServiceError, APDU tag included. */
export function encodeConfirmedServiceError(w: ByteWriter, apdu: ConfirmedServiceError): void {
  w.u8(CONFIRMED_SERVICE_ERROR_TAG);
  CONFIRMED_SERVICE.write(w, apdu.service);
  const e = apdu.error;
  if (e.type === 'unknown') {
    checkRange(e.tag, 0, 0xff, 'ServiceError tag');
    if (SERVICE_ERROR_BY_TAG.has(e.tag)) throw new DlmsError('INVALID_VALUE', `ServiceError tag ${e.tag} has a name; use it instead of 'unknown'`);
    checkRange(e.value, 0, 0xff, 'ServiceError value');
    w.u8(e.tag).u8(e.value);
    return;
  }
  const choice = SERVICE_ERROR_CHOICES[e.type];
  let n: number;
  if (typeof e.value === 'number') {
    n = e.value;
  } else {
    const values: readonly string[] = choice.values;
    n = values.indexOf(e.value);
    if (n < 0) throw new DlmsError('INVALID_VALUE', `'${e.value}' is not a ${e.type} ServiceError value`);
  }
  checkRange(n, 0, 0xff, 'ServiceError value');
  w.u8(choice.tag).u8(n);
}

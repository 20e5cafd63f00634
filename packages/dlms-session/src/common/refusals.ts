import type { AssociateSourceDiagnostic, ConfirmedServiceError, ExceptionResponse } from '@openams/dlms';

/** Why a meter gives an AARE diagnostic, in words an operator can act on. */
const DIAGNOSTIC_HINTS: Readonly<Record<string, string>> = {
  'application-context-name-not-supported': 'it does not offer this application context (LN with or without ciphering) to this client',
  'authentication-mechanism-name-not-recognised': 'this client SAP uses another authentication mechanism',
  'authentication-mechanism-name-required': 'this client SAP requires authentication',
  'authentication-failure': 'the password or the keys do not match the meter',
  'calling-AP-title-not-recognized': 'it does not accept our system title',
  'no-reason-given': 'no reason given',
};

/** Why a meter refuses the xDLMS InitiateRequest, in words. */
const SERVICE_ERROR_HINTS: Readonly<Record<string, string>> = {
  'deciphering-error': 'it could not decipher our glo-initiate-request: the EK/AK differ from the meter’s, or it expects another client system title',
  'dlms-version-too-low': 'it needs another DLMS version',
  'incompatible-conformance': 'no service of our proposed conformance block is supported',
  'pdu-size-too-short': 'our client-max-receive-pdu-size is too small for it',
};

/** One line describing an AARE refusal. */
export function describeAareRefusal(result: string, d: AssociateSourceDiagnostic, serviceError: ConfirmedServiceError | undefined): string {
  const parts = [`${result}, ${d.source}: ${String(d.diagnostic)}`];
  if (serviceError) parts.push(`${String(serviceError.service)}: ${serviceError.error.type} ${String(serviceError.error.value)}`);
  const hint = (serviceError ? SERVICE_ERROR_HINTS[String(serviceError.error.value)] : undefined) ?? DIAGNOSTIC_HINTS[String(d.diagnostic)];
  return `the meter rejected the association (${parts.join('; ')})${hint ? `: ${hint}` : ''}`;
}

/** Whether an AARE refusal says our credentials are wrong (rather than our configuration). */
export function isAuthenticationRefusal(d: AssociateSourceDiagnostic, serviceError: ConfirmedServiceError | undefined): boolean {
  if (d.source === 'acse-service-user' && d.diagnostic === 'authentication-failure') return true;
  return serviceError?.error.type === 'application-reference' && serviceError.error.value === 'deciphering-error';
}

/** One line describing an exception-response. */
export function describeException(e: ExceptionResponse): string {
  const s = e.serviceError;
  switch (s.type) {
    case 'invocation-counter-error':
      return `the meter refused our invocation counter and expects at least ${s.invocationCounter}: the stored counter is behind the meter's; resynchronise it upwards (read 0-0:43.1.0.255 over the public client), never lower it`;
    case 'deciphering-error':
      return 'the meter could not decipher or authenticate our request (keys or system title differ), or refuses unprotected APDUs on this association';
    case 'unknown':
      return `the meter sent exception-response ${String(e.stateError)} with service-error tag ${s.tag}`;
    default:
      return `the meter sent exception-response ${String(e.stateError)}: ${s.type}`;
  }
}

/** One line describing a confirmed-service-error. */
export function describeConfirmedServiceError(e: ConfirmedServiceError): string {
  return `the meter sent confirmed-service-error ${String(e.service)}: ${e.error.type} ${String(e.error.value)}`;
}

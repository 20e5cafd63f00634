export { ACSE_TAGS, decodeAcseApdu, encodeAcseApdu } from './acse-apdu.ts';
export type { AcseApdu } from './acse-apdu.ts';
export { AARQ_TAG } from './aarq.ts';
export type { Aarq } from './aarq.ts';
export { AARE_TAG } from './aare.ts';
export type { Aare } from './aare.ts';
export { RLRE_TAG, RLRQ_TAG } from './release.ts';
export type { Rlre, Rlrq } from './release.ts';
export type { BerBitString } from './ber.ts';
export type { AuthenticationValue } from './components.ts';
export { buildAare, buildAarq, isAuthenticationSelected } from './build.ts';
export type { AareOptions, AarqOptions } from './build.ts';
export {
  ACSE_SERVICE_PROVIDER_DIAGNOSTICS,
  ACSE_SERVICE_USER_DIAGNOSTICS,
  APPLICATION_CONTEXT_IDS,
  ASSOCIATION_RESULTS,
  MECHANISM_IDS,
  RELEASE_REQUEST_REASONS,
  RELEASE_RESPONSE_REASONS,
  isCipheredContext,
} from './names.ts';
export type {
  AcseServiceProviderDiagnostic,
  AcseServiceUserDiagnostic,
  ApplicationContextName,
  AssociateSourceDiagnostic,
  AssociationResult,
  KnownAcseServiceProviderDiagnostic,
  KnownAcseServiceUserDiagnostic,
  KnownApplicationContextName,
  KnownMechanismName,
  KnownReleaseRequestReason,
  KnownReleaseResponseReason,
  MechanismName,
  ReleaseRequestReason,
  ReleaseResponseReason,
  UnknownObjectIdentifier,
} from './names.ts';

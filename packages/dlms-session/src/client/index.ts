export { DlmsClient } from './client.ts';
export type { ClientAuthentication, ClientSecurity, ClientState, DlmsClientOptions } from './client.ts';
export type { ActionOutcome, AssociationInfo, GetResult, ReleaseOutcome, SetResult } from './results.ts';

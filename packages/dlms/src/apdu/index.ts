export { apduFamily, decodeApdu, encodeApdu } from './apdu.ts';
export type { Apdu } from './apdu.ts';

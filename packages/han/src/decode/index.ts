/**
 * HAN push decoders: one APDU (data-notification, or general-glo-ciphering around one) in, one
 * normalised `HanReading` out. One file per vendor profile; `detect.ts` picks the profile from
 * the content; `encrypted.ts` deciphers.
 */
export { decodeHanApdu } from './decode.ts';
export type { HanDecodeOptions } from './decode.ts';
export type { HanListOptions } from './builder.ts';
export type { HanKeys } from './encrypted.ts';
export { detectHanVendor } from './detect.ts';
export { decodeAidon } from './aidon.ts';
export { decodeKaifa } from './kaifa.ts';
export { decodeKamstrup } from './kamstrup.ts';
export { decodeGeneric } from './generic.ts';
export { dottedObis } from './obis.ts';

export { ByteReader } from './byte-reader.ts';
export { ByteWriter } from './byte-writer.ts';
export { hexToBytes, bytesToHex, bytesEqual, concatBytes } from './hex.ts';

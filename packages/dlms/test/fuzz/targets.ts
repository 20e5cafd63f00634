import {
  HdlcDeframer,
  WrapperDeframer,
  decodeApdu,
  decodeCosemDateTime,
  decodeDataBytes,
  decodeHdlcFrame,
  decodeHdlcParameters,
  decodeWrapperFrame,
  encodeApdu,
  hexToBytes,
  translate,
  unprotectApdu,
} from '../../src/index.ts';
import type { FuzzTarget } from '../../../../scripts/fuzz/run-fuzz.ts';

/** The Green Book example keys: mutated ciphered seeds then reach the decipher path. */
const KEYS = {
  encryptionKey: hexToBytes('000102030405060708090A0B0C0D0E0F'),
  authenticationKey: hexToBytes('D0D1D2D3D4D5D6D7D8D9DADBDCDDDEDF'),
  systemTitle: hexToBytes('4D4D4D0000BC614E'),
};

/**
 * Every decoder that takes bytes from outside. The deframers are fed the whole run's inputs one
 * after another, so they must also keep working (and bounded) after any garbage; a decoded APDU
 * must re-encode without a crash.
 */
export function dlmsFuzzTargets(): FuzzTarget[] {
  const hdlc = new HdlcDeframer();
  const wrapper = new WrapperDeframer();
  return [
    { name: 'decodeHdlcFrame', run: (b) => decodeHdlcFrame(b) },
    {
      name: 'HdlcDeframer',
      run: (b) => {
        hdlc.push(b);
        if (hdlc.buffered > 4096) throw new Error(`HdlcDeframer holds ${hdlc.buffered} bytes`);
      },
    },
    { name: 'decodeHdlcParameters', run: (b) => decodeHdlcParameters(b) },
    { name: 'decodeWrapperFrame', run: (b) => decodeWrapperFrame(b) },
    {
      name: 'WrapperDeframer',
      run: (b) => {
        wrapper.push(b);
        if (wrapper.buffered > 70_000) throw new Error(`WrapperDeframer holds ${wrapper.buffered} bytes`);
      },
    },
    { name: 'decodeApdu', run: (b) => encodeApdu(decodeApdu(b)) },
    { name: 'decodeData', run: (b) => decodeDataBytes(b) },
    { name: 'decodeCosemDateTime', run: (b) => (b.length === 12 ? decodeCosemDateTime(b) : undefined) },
    { name: 'unprotectApdu', run: (b) => unprotectApdu(b, KEYS) },
    { name: 'translate', run: (b) => translate(b, { keys: KEYS }) },
  ];
}

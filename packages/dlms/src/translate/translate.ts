import { decodeApdu } from '../apdu/index.ts';
import type { Apdu } from '../apdu/index.ts';
import { DlmsError } from '../errors/index.ts';
import { HdlcDeframer, HdlcReassembler, decodeHdlcParameters, stripLlc } from '../hdlc/index.ts';
import type { HdlcFrame, HdlcParameters } from '../hdlc/index.ts';
import { decodeWrapperFrame } from '../wrapper/index.ts';
import type { WrapperFrame } from '../wrapper/index.ts';
import { CIPHERED_TAGS, unprotectApdu } from '../security/index.ts';
import type { SecurityControl } from '../security/index.ts';
import type { DecodeLimits } from '../limits/index.ts';

/** Keys for deciphering. The system title is the sender's; general-glo/ded envelopes carry their own. */
export interface TranslateKeys {
  readonly encryptionKey: Uint8Array;
  readonly authenticationKey?: Uint8Array;
  readonly systemTitle?: Uint8Array;
}

export interface TranslateOptions {
  readonly keys?: TranslateKeys;
  readonly limits?: Partial<DecodeLimits>;
}

/** What `translate` found, outermost layer first. */
export type TranslationLayer =
  | { readonly layer: 'hdlc'; readonly frames: readonly HdlcFrame[]; readonly llc?: 'command' | 'response'; readonly parameters?: HdlcParameters }
  | { readonly layer: 'wrapper'; readonly frame: WrapperFrame }
  | {
      readonly layer: 'ciphered';
      readonly envelope: Apdu;
      readonly securityControl?: SecurityControl;
      readonly invocationCounter?: number;
      readonly systemTitle?: Uint8Array;
      readonly deciphered: boolean;
    }
  | { readonly layer: 'apdu'; readonly apdu: Apdu };

export interface Translation {
  readonly layers: readonly TranslationLayer[];
  /** The innermost decoded APDU, when there is one (an RR or SNRM frame has none). */
  readonly apdu?: Apdu;
  /** The deciphered APDU bytes, for ciphered input with keys. */
  readonly plaintext?: Uint8Array;
  /** Things a person debugging should know (e.g. "ciphered, no keys given"). */
  readonly notes: readonly string[];
}

const HDLC_FLAG = 0x7e;

function looksLikeWrapper(b: Uint8Array): boolean {
  return b.length >= 8 && b[0] === 0x00 && b[1] === 0x01 && ((b[6] as number) << 8) + (b[7] as number) === b.length - 8;
}

/**
 * Decode raw bytes as an HDLC frame (or several, reassembled), an IEC 62056-47 wrapper frame, or a
 * bare APDU, auto-detected; decipher ciphered APDUs when keys are given. Throws `DlmsError` for
 * malformed input, including `AUTH_TAG_INVALID` when the keys do not fit.
 */
export function translate(input: Uint8Array, options: TranslateOptions = {}): Translation {
  const layers: TranslationLayer[] = [];
  const notes: string[] = [];
  let apduBytes: Uint8Array | undefined;

  if (input.length >= 2 && input[0] === HDLC_FLAG && input[input.length - 1] === HDLC_FLAG) {
    const { frames, info, llc, parameters } = unframeHdlc(input, options.limits);
    layers.push({ layer: 'hdlc', frames, ...(llc ? { llc } : {}), ...(parameters ? { parameters } : {}) });
    apduBytes = info && info.length > 0 && !parameters ? info : undefined;
  } else if (looksLikeWrapper(input)) {
    const frame = decodeWrapperFrame(input);
    layers.push({ layer: 'wrapper', frame });
    apduBytes = frame.apdu;
  } else {
    apduBytes = input;
  }
  if (!apduBytes) return { layers, notes };

  let plaintext: Uint8Array | undefined;
  // Ciphered envelopes may nest (a general-glo-ciphering around a glo-get-response is legal).
  for (let depth = 0; depth < 4; depth++) {
    const apdu = decodeApdu(apduBytes, options.limits);
    if (!CIPHERED_TAGS.has(apduBytes[0] as number)) {
      layers.push({ layer: 'apdu', apdu });
      return { layers, apdu, ...(plaintext ? { plaintext } : {}), notes };
    }
    if (!options.keys) {
      layers.push({ layer: 'ciphered', envelope: apdu, deciphered: false });
      notes.push('ciphered APDU: give --ek (and --ak, --system-title) to decipher it');
      return { layers, notes };
    }
    const keys = options.keys;
    const opened = unprotectApdu(apduBytes, {
      encryptionKey: keys.encryptionKey,
      ...(keys.authenticationKey ? { authenticationKey: keys.authenticationKey } : {}),
      ...(keys.systemTitle ? { systemTitle: keys.systemTitle } : {}),
    });
    layers.push({
      layer: 'ciphered',
      envelope: apdu,
      securityControl: opened.securityControl,
      invocationCounter: opened.invocationCounter,
      systemTitle: opened.systemTitle,
      deciphered: true,
    });
    plaintext = opened.plaintext;
    apduBytes = opened.plaintext;
  }
  throw new DlmsError('LIMIT_EXCEEDED', 'ciphered APDUs nested more than 4 deep');
}

function unframeHdlc(
  input: Uint8Array,
  limits: Partial<DecodeLimits> | undefined,
): { frames: HdlcFrame[]; info?: Uint8Array; llc?: 'command' | 'response'; parameters?: HdlcParameters } {
  const deframer = new HdlcDeframer();
  const frames: HdlcFrame[] = [];
  for (const event of deframer.push(input)) {
    if (event.type === 'error') throw event.error;
    frames.push(event.frame);
  }
  for (const event of deframer.flush()) {
    if (event.type === 'error') throw event.error;
  }
  if (frames.length === 0) throw new DlmsError('FRAME_INVALID', 'no complete HDLC frame between the flags', { offset: 0 });
  const first = frames[0] as HdlcFrame;
  const kind = first.control.type;
  if ((kind === 'snrm' || kind === 'ua') && first.information.length > 0) {
    return { frames, parameters: decodeHdlcParameters(first.information) };
  }
  const reassembler = new HdlcReassembler(limits);
  let info: Uint8Array | undefined;
  for (const f of frames) {
    const r = reassembler.push(f);
    if (r.type === 'complete') info = r.information;
  }
  if (!info) {
    if (frames.some((f) => f.segmented)) throw new DlmsError('TRUNCATED', 'the last HDLC segment is missing (segmentation bit still set)');
    return { frames };
  }
  const stripped = stripLlc(info);
  return { frames, info: stripped.apdu, ...(stripped.llc ? { llc: stripped.llc } : {}) };
}

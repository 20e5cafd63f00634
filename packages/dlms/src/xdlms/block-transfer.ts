import type { ByteReader, ByteWriter } from '../bytes/index.ts';
import { DlmsError } from '../errors/index.ts';
import { resolveLimits } from '../limits/index.ts';
import type { DecodeLimits } from '../limits/index.ts';
import { checkRange } from './primitives.ts';
import type { DataBlockSa } from './primitives.ts';

/** APDU tag of `general-block-transfer [224]` (Green Book 9.5). */
export const GENERAL_BLOCK_TRANSFER_TAG = 0xe0;

/**
 * `General-Block-Transfer ::= SEQUENCE { block-control Unsigned8, block-number Unsigned16,
 * block-number-ack Unsigned16, block-data OCTET STRING }` (Green Book 9.3, general block transfer; ASN.1 in 9.5). Block-control
 * bit 7 is last-block, bit 6 streaming, bits 0–5 the window size. GBT carries any APDU (usually a
 * ciphered one) cut into blocks numbered from 1; an ack-only block has empty block-data.
 */
export interface GeneralBlockTransfer {
  readonly type: 'general-block-transfer';
  readonly lastBlock: boolean;
  /** More blocks follow without waiting for an acknowledgement. */
  readonly streaming: boolean;
  /** The sender's receive window, 0–63 blocks. */
  readonly window: number;
  /** 0–65535. */
  readonly blockNumber: number;
  /** The last block received from the peer, 0–65535. */
  readonly blockNumberAck: number;
  readonly blockData: Uint8Array;
  /**
   * Set only when the sender wrote block-data's length in a longer form than needed (`82 00 02`
   * for 2, which BER/A-XDR lengths allow): the number of length bytes after the 0x8n byte, 1–4,
   * so the APDU re-encodes byte for byte.
   */
  readonly blockDataLengthBytes?: number;
}

function minimalLengthBytes(len: number): number {
  if (len < 0x80) return 0;
  let n = 0;
  for (let v = len; v > 0; v = Math.floor(v / 256)) n++;
  return n;
}

/** Decode a General-Block-Transfer after its APDU tag. */
export function decodeGeneralBlockTransfer(r: ByteReader): GeneralBlockTransfer {
  const control = r.u8('block-control');
  const blockNumber = r.u16('block-number');
  const blockNumberAck = r.u16('block-number-ack');
  const lengthAt = r.offset;
  const len = r.boundedLength('the length of block-data');
  const lengthBytes = r.offset - lengthAt - 1;
  const blockData = r.bytes(len, 'block-data');
  return {
    type: 'general-block-transfer',
    lastBlock: (control & 0x80) !== 0,
    streaming: (control & 0x40) !== 0,
    window: control & 0x3f,
    blockNumber,
    blockNumberAck,
    blockData,
    ...(lengthBytes !== minimalLengthBytes(len) ? { blockDataLengthBytes: lengthBytes } : {}),
  };
}

/** Encode a General-Block-Transfer, APDU tag included; the window must be 0–63. */
export function encodeGeneralBlockTransfer(w: ByteWriter, apdu: GeneralBlockTransfer): void {
  checkRange(apdu.window, 0, 63, 'general-block-transfer window');
  w.u8(GENERAL_BLOCK_TRANSFER_TAG)
    .u8((apdu.lastBlock ? 0x80 : 0) | (apdu.streaming ? 0x40 : 0) | apdu.window)
    .u16(apdu.blockNumber)
    .u16(apdu.blockNumberAck);
  const len = apdu.blockData.length;
  const n = apdu.blockDataLengthBytes;
  if (n === undefined) {
    w.length(len);
  } else {
    checkRange(n, 1, 4, 'length bytes of block-data');
    if (minimalLengthBytes(len) > n) throw new DlmsError('INVALID_VALUE', `block-data of ${len} bytes does not fit a ${n}-byte length`);
    w.u8(0x80 | n);
    for (let i = n - 1; i >= 0; i--) w.u8(Math.floor(len / 256 ** i) % 256);
  }
  w.bytes(apdu.blockData);
}

// ---------------------------------------------------------------------------------------------
// Reassembly and splitting
// ---------------------------------------------------------------------------------------------

/** What a reassembler returns for each block: wait for more, or the joined bytes. */
export type BlockReassemblyResult = { readonly type: 'need-more' } | { readonly type: 'complete'; readonly bytes: Uint8Array };

/**
 * Joins numbered blocks: the first must be block 1 and each next one the previous plus one
 * (Green Book 9.3: service-specific and general block transfer), else BLOCK_SEQUENCE; more than `maxBlocks` blocks or more than
 * `maxApduSize` bytes is LIMIT_EXCEEDED. Any error discards what was held.
 */
class BlockJoiner {
  private parts: Uint8Array[] = [];
  private size = 0;
  private last = 0;
  private readonly limits: DecodeLimits;

  constructor(
    limits: Partial<DecodeLimits> | undefined,
    private readonly what: string,
  ) {
    this.limits = resolveLimits(limits);
  }

  add(blockNumber: number, lastBlock: boolean, data: Uint8Array): BlockReassemblyResult {
    // Green Book 9.3 (block transfer): the first block is number 1, each next one the previous plus one.
    const expected = this.last + 1;
    if (blockNumber !== expected) {
      const after = this.last;
      this.reset();
      throw new DlmsError('BLOCK_SEQUENCE', `${this.what} block ${blockNumber} arrived where block ${expected} was expected${after > 0 ? ` (after block ${after})` : ''}`);
    }
    this.parts.push(data);
    this.size += data.length;
    this.last = blockNumber;
    if (this.parts.length > this.limits.maxBlocks) {
      this.reset();
      throw new DlmsError('LIMIT_EXCEEDED', `${this.what} needs more than ${this.limits.maxBlocks} blocks`);
    }
    if (this.size > this.limits.maxApduSize) {
      this.reset();
      throw new DlmsError('LIMIT_EXCEEDED', `${this.what} grows past ${this.limits.maxApduSize} bytes`);
    }
    if (!lastBlock) return { type: 'need-more' };
    const bytes = new Uint8Array(this.size);
    let o = 0;
    for (const p of this.parts) {
      bytes.set(p, o);
      o += p.length;
    }
    this.reset();
    return { type: 'complete', bytes };
  }

  get lastBlockNumber(): number {
    return this.last;
  }

  get pending(): boolean {
    return this.parts.length > 0;
  }

  reset(): void {
    this.parts = [];
    this.size = 0;
    this.last = 0;
  }
}

/**
 * Reassembles the APDU carried by incoming general-block-transfer blocks (Green Book 9.3, general block transfer).
 * Feed it the blocks of one direction only; acknowledgements, windows and the recovery of lost
 * blocks belong to the session, which must resend or re-request before pushing out of order.
 */
export class GeneralBlockTransferReassembler {
  private readonly joiner: BlockJoiner;

  constructor(limits?: Partial<DecodeLimits>) {
    this.joiner = new BlockJoiner(limits, 'general-block-transfer');
  }

  /** Add one block; `complete` carries the whole APDU (decode it with `decodeApdu`). */
  push(block: GeneralBlockTransfer): BlockReassemblyResult {
    return this.joiner.add(block.blockNumber, block.lastBlock, block.blockData);
  }

  /** The number of the last block accepted (0 before the first): the block-number-ack to send. */
  get lastBlockNumber(): number {
    return this.joiner.lastBlockNumber;
  }

  /** Whether blocks are held waiting for the last one. */
  get pending(): boolean {
    return this.joiner.pending;
  }

  reset(): void {
    this.joiner.reset();
  }
}

/**
 * Reassembles the raw-data of the service-specific block transfer (Green Book 9.3, GET/SET/ACTION with blocks): GET
 * `get-response-with-datablock` (pass `{ ...datablock, rawData: datablock.result.value }` once
 * `result.type` is `raw-data`; a `data-access-result` there is a refusal for the caller), SET
 * `-with-datablock` and ACTION `pblock`s. The joined bytes are the A-XDR encoding of the value:
 * decode them with `decodeDataBytes`.
 */
export class DataBlockReassembler {
  private readonly joiner: BlockJoiner;

  constructor(limits?: Partial<DecodeLimits>) {
    this.joiner = new BlockJoiner(limits, 'data block transfer');
  }

  push(block: Pick<DataBlockSa, 'lastBlock' | 'blockNumber' | 'rawData'>): BlockReassemblyResult {
    return this.joiner.add(block.blockNumber, block.lastBlock, block.rawData);
  }

  /** The number of the last block accepted (0 before the first): what get-request-next asks after. */
  get lastBlockNumber(): number {
    return this.joiner.lastBlockNumber;
  }

  get pending(): boolean {
    return this.joiner.pending;
  }

  reset(): void {
    this.joiner.reset();
  }
}

/**
 * Cut `bytes` (an encoded APDU for general-block-transfer, or an encoded value for SET/ACTION
 * block transfer) into blocks of at most `blockSize` bytes, numbered from 1, the last one
 * flagged. An empty input gives one empty last block. The pieces are zero-copy views.
 */
export function splitIntoBlocks(bytes: Uint8Array, blockSize: number): DataBlockSa[] {
  if (!Number.isInteger(blockSize) || blockSize < 1) throw new DlmsError('INVALID_VALUE', `block size ${blockSize} must be a positive integer`);
  const count = Math.max(1, Math.ceil(bytes.length / blockSize));
  const out: DataBlockSa[] = [];
  for (let i = 0; i < count; i++) {
    out.push({ lastBlock: i === count - 1, blockNumber: i + 1, rawData: bytes.subarray(i * blockSize, (i + 1) * blockSize) });
  }
  return out;
}

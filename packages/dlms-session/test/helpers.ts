/**
 * Test helpers: a small meter object model, key material, an in-process duplex stream pair (with
 * optional loss), and transport wrappers that observe or tamper with APDUs. Everything here is
 * constructed for the tests, not published data.
 */
import { Duplex } from 'node:stream';
import { encodeCosemDateTime, hexToBytes } from '@openams/dlms';
import type { ActionResponseWithOptionalData, CosemAttributeDescriptor, DataAccessResult, DlmsData, GetDataResult } from '@openams/dlms';
import type { CosemObjectHandler, DlmsTransport, ReceiveOptions } from '../src/index.ts';

export const METER_TITLE = hexToBytes('4B464D1020304050'); // "KFM" + serial, constructed
export const CLIENT_TITLE = hexToBytes('4F414D0000000001'); // "OAM" head-end, constructed
export const METER_KEYS = {
  encryptionKey: hexToBytes('5A1B2C3D4E5F60718293A4B5C6D7E8F9'),
  authenticationKey: hexToBytes('0F1E2D3C4B5A69788796A5B4C3D2E1F0'),
};
export const OTHER_KEYS = {
  encryptionKey: hexToBytes('00112233445566778899AABBCCDDEEFF'),
  authenticationKey: hexToBytes('FFEEDDCCBBAA99887766554433221100'),
};

export const CLOCK: CosemAttributeDescriptor = { classId: 8, instanceId: '0-0:1.0.0.255' as CosemAttributeDescriptor['instanceId'], attributeId: 2 };
export const ENERGY: CosemAttributeDescriptor = { classId: 3, instanceId: '1-0:1.8.0.255' as CosemAttributeDescriptor['instanceId'], attributeId: 2 };
export const PROFILE: CosemAttributeDescriptor = { classId: 7, instanceId: '1-0:99.1.0.255' as CosemAttributeDescriptor['instanceId'], attributeId: 2 };

export const CLOCK_VALUE: DlmsData = {
  type: 'octet-string',
  value: encodeCosemDateTime({ year: 2026, month: 3, dayOfMonth: 29, hour: 1, minute: 59, second: 58, deviation: -60 }),
};

/** A profile buffer of `rows` entries of (date-time, double-long-unsigned): about 21 bytes each. */
export function profileBuffer(rows: number): DlmsData {
  const value: DlmsData[] = [];
  for (let i = 0; i < rows; i++) {
    value.push({
      type: 'structure',
      value: [
        { type: 'octet-string', value: encodeCosemDateTime({ year: 2026, month: 1, dayOfMonth: 1 + (i % 28), hour: (i >> 2) % 24, minute: (i % 4) * 15, second: 0, deviation: -60 }) },
        { type: 'double-long-unsigned', value: 1000 + i },
      ],
    });
  }
  return { type: 'array', value };
}

/** A meter's objects in a map; SET stores, ACTION succeeds. */
export class TestMeter implements CosemObjectHandler {
  readonly values = new Map<string, DlmsData>();
  readonly calls: string[] = [];

  constructor(entries: ReadonlyArray<readonly [CosemAttributeDescriptor, DlmsData]> = [[CLOCK, CLOCK_VALUE], [ENERGY, { type: 'double-long-unsigned', value: 123456 }]]) {
    for (const [d, v] of entries) this.values.set(key(d), v);
  }

  get(d: CosemAttributeDescriptor): Promise<GetDataResult> {
    this.calls.push(`get ${key(d)}`);
    const value = this.values.get(key(d));
    return Promise.resolve(value ? { type: 'data', value } : { type: 'data-access-result', value: 'object-undefined' });
  }

  set(d: CosemAttributeDescriptor, value: DlmsData): Promise<DataAccessResult> {
    this.calls.push(`set ${key(d)}`);
    if (!this.values.has(key(d))) return Promise.resolve('object-undefined');
    this.values.set(key(d), value);
    return Promise.resolve('success');
  }

  action(): Promise<ActionResponseWithOptionalData> {
    this.calls.push('action');
    return Promise.resolve({ result: 'success' });
  }
}

function key(d: CosemAttributeDescriptor): string {
  return `${d.classId}/${d.instanceId}/${d.attributeId}`;
}

/** Options of `duplexPair`: `drop` decides per written chunk (one HDLC frame per write) whether it is lost. */
export interface DuplexPairOptions {
  readonly drop?: (direction: 'a→b' | 'b→a', index: number, chunk: Uint8Array) => boolean;
}

class PipeEnd extends Duplex {
  peer: PipeEnd | undefined;
  private writes = 0;
  private ended = false;

  constructor(
    private readonly direction: 'a→b' | 'b→a',
    private readonly options: DuplexPairOptions,
  ) {
    super();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    const index = this.writes++;
    const bytes = Uint8Array.from(chunk);
    if (!this.options.drop?.(this.direction, index, bytes)) setImmediate(() => this.peer?.receive(bytes));
    callback();
  }

  override _read(): void {}

  override _final(callback: (error?: Error | null) => void): void {
    setImmediate(() => this.peer?.eof());
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    setImmediate(() => this.peer?.eof());
    callback(error);
  }

  receive(bytes: Uint8Array): void {
    if (!this.ended && !this.destroyed) this.push(bytes);
  }

  eof(): void {
    if (this.ended || this.destroyed) return;
    this.ended = true;
    this.push(null);
  }
}

/** Two connected in-process streams, like the two ends of a socket. */
export function duplexPair(options: DuplexPairOptions = {}): [Duplex, Duplex] {
  const a = new PipeEnd('a→b', options);
  const b = new PipeEnd('b→a', options);
  a.peer = b;
  b.peer = a;
  return [a, b];
}

/** Hooks of `tap`: see or replace APDUs on their way. */
export interface TapHooks {
  /** Called with each APDU sent; return bytes to send instead, or `null` to swallow it. */
  readonly onSend?: (apdu: Uint8Array, index: number) => Uint8Array | null | void;
  readonly onReceive?: (apdu: Uint8Array, index: number) => void;
}

/** A transport that forwards to `inner`, letting a test watch or tamper with the traffic. */
export function tap(inner: DlmsTransport, hooks: TapHooks): DlmsTransport {
  let sent = 0;
  let received = 0;
  return {
    kind: inner.kind,
    get addresses() {
      return inner.addresses;
    },
    get closed() {
      return inner.closed;
    },
    whenClosed: inner.whenClosed,
    async send(apdu: Uint8Array) {
      const replaced = hooks.onSend?.(apdu, sent++);
      if (replaced === null) return;
      await inner.send(replaced ?? apdu);
    },
    async receive(options?: ReceiveOptions) {
      const apdu = await inner.receive(options);
      hooks.onReceive?.(apdu, received++);
      return apdu;
    },
    close: () => inner.close(),
    async *[Symbol.asyncIterator]() {
      for await (const apdu of inner) {
        hooks.onReceive?.(apdu, received++);
        yield apdu;
      }
    },
  };
}

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  CLOCK_CAPTURE_OBJECT,
  DATA_ACCESS_RESULT,
  ACTION_RESULT,
  DataBlockReassembler,
  GeneralBlockTransferReassembler,
  XDLMS_TAGS,
  actionRequest,
  attributeDescriptor,
  decodeInvokeIdAndPriority,
  decodeLongInvokeIdAndPriority,
  decodeXdlmsApdu,
  encodeInvokeIdAndPriority,
  encodeLongInvokeIdAndPriority,
  encodeXdlmsApdu,
  entryDescriptor,
  getRequest,
  getRequestNext,
  methodDescriptor,
  parseEntryDescriptor,
  parseRangeDescriptor,
  rangeDescriptor,
  setRequest,
  splitIntoBlocks,
} from './index.ts';
import type {
  CosemAttributeDescriptor,
  CosemAttributeDescriptorWithSelection,
  CosemMethodDescriptor,
  DataBlockSa,
  GeneralBlockTransfer,
  GetDataResult,
  SelectiveAccessDescriptor,
  XdlmsApdu,
} from './index.ts';
import { decodeDataBytes, encodeDataBytes } from '../axdr/index.ts';
import type { DlmsData } from '../axdr/index.ts';
import { bytesToHex, hexToBytes } from '../bytes/index.ts';
import { DlmsError } from '../errors/index.ts';
import { HdlcReassembler, decodeHdlcFrame, stripLlc } from '../hdlc/index.ts';
import { obisFromBytes, parseObis } from '../obis/obis.ts';
import { dlmsData } from '../../test/arbitraries.ts';
import { CAPTURED_SESSION } from '../../test/fixtures/hdlc/captured-session.ts';
import * as C from '../../test/fixtures/xdlms/captured-session.ts';
import * as H from '../../test/fixtures/xdlms/han-push.ts';
import * as P from '../../test/fixtures/xdlms/published-examples.ts';
import * as G from '../../test/fixtures/xdlms/general-block-transfer.ts';

const isCode = (code: string) => (e: unknown) => e instanceof DlmsError && e.code === code;
const u = (hex: string) => hexToBytes(hex);
const hex = (hexWithSpaces: string) => hexWithSpaces.replace(/\s/g, '').toUpperCase();

/** Decode, check it re-encodes to the same bytes, return the APDU. */
function roundTrip(h: string): XdlmsApdu {
  const apdu = decodeXdlmsApdu(u(h));
  assert.equal(bytesToHex(encodeXdlmsApdu(apdu)), hex(h), `re-encoding ${apdu.type}`);
  return apdu;
}

function expectType<T extends XdlmsApdu['type']>(apdu: XdlmsApdu, type: T): Extract<XdlmsApdu, { type: T }> {
  assert.equal(apdu.type, type);
  return apdu as Extract<XdlmsApdu, { type: T }>;
}

const C1 = { invokeId: 1, confirmed: true, highPriority: true };
const C0 = { invokeId: 0, confirmed: true, highPriority: true };
const octets = (h: string): DlmsData => ({ type: 'octet-string', value: u(h) });

/** Every APDU fixture (HAN frames are checked separately, through the HDLC codec). */
const APDU_FIXTURES: ReadonlyArray<[string, string]> = [
  ...Object.entries(P).filter((e): e is [string, string] => typeof e[1] === 'string'),
  ...Object.entries(G).filter((e): e is [string, string] => typeof e[1] === 'string'),
  ...Object.entries(C).filter((e): e is [string, string] => typeof e[1] === 'string'),
  ...Object.entries(H).filter((e): e is [string, string] => typeof e[1] === 'string' && e[0].endsWith('_APDU')),
];

// -------------------------------------------------------------------------------------------
// Published and captured fixtures
// -------------------------------------------------------------------------------------------

test('every fixture decodes and re-encodes byte for byte', () => {
  for (const [name, h] of APDU_FIXTURES) {
    assert.doesNotThrow(() => roundTrip(h), name);
  }
});

test('every strict prefix of every fixture is TRUNCATED; a trailing byte is TRAILING_BYTES', () => {
  for (const [name, h] of APDU_FIXTURES) {
    const bytes = u(h);
    for (let n = 0; n < bytes.length; n++) {
      assert.throws(() => decodeXdlmsApdu(bytes.subarray(0, n)), isCode('TRUNCATED'), `${name} cut to ${n} bytes`);
    }
    const longer = new Uint8Array(bytes.length + 1);
    longer.set(bytes);
    assert.throws(() => decodeXdlmsApdu(longer), isCode('TRAILING_BYTES'), name);
  }
});

test('GET request normal, next and with-list (u9n/dlms-cosem)', () => {
  assert.deepEqual(roundTrip(P.GET_REQUEST_NORMAL), {
    type: 'get-request-normal',
    invokeIdAndPriority: C1,
    descriptor: { classId: 1, instanceId: parseObis('0-0:43.1.0.255'), attributeId: 2 },
  });
  assert.deepEqual(roundTrip(P.GET_REQUEST_NEXT), { type: 'get-request-next', invokeIdAndPriority: C1, blockNumber: 1 });
  assert.deepEqual(roundTrip(P.GET_REQUEST_WITH_LIST), {
    type: 'get-request-with-list',
    invokeIdAndPriority: C1,
    descriptors: [
      { descriptor: { classId: 1, instanceId: parseObis('0-0:42.0.0.255'), attributeId: 2 } },
      { descriptor: { classId: 8, instanceId: parseObis('0-0:1.0.0.255'), attributeId: 2 } },
    ],
  });
});

test('GET responses: data, data-access-result, with-list, datablock', () => {
  assert.deepEqual(roundTrip(P.GET_RESPONSE_NORMAL), {
    type: 'get-response-normal',
    invokeIdAndPriority: C1,
    result: { type: 'data', value: { type: 'double-long-unsigned', value: 5009 } },
  });
  assert.deepEqual(roundTrip(P.GET_RESPONSE_NORMAL_ERROR), {
    type: 'get-response-normal',
    invokeIdAndPriority: C1,
    result: { type: 'data-access-result', value: 'hardware-fault' },
  });
  // 0x51 sets reserved bit 4: kept so the byte survives the round trip.
  const normal = expectType(roundTrip(P.GOSEM_GET_RESPONSE_NORMAL), 'get-response-normal');
  assert.deepEqual(normal.invokeIdAndPriority, { invokeId: 1, confirmed: true, highPriority: false, reserved: 1 });
  assert.deepEqual(normal.result, { type: 'data', value: { type: 'double-long', value: 69 } });
  const list = expectType(roundTrip(P.GOSEM_GET_RESPONSE_WITH_LIST), 'get-response-with-list');
  assert.deepEqual(list.results, [
    { type: 'data-access-result', value: 'success' },
    { type: 'data', value: { type: 'double-long', value: 1 } },
  ]);
  const block = expectType(roundTrip(P.GOSEM_GET_RESPONSE_WITH_DATABLOCK), 'get-response-with-datablock');
  assert.deepEqual(block.datablock, { lastBlock: true, blockNumber: 1, result: { type: 'raw-data', value: u('07D20C04030A060BFF007800') } });
  const ff = expectType(roundTrip(P.GOSEM_GET_RESPONSE_WITH_DATABLOCK_FF), 'get-response-with-datablock');
  assert.equal(ff.datablock.lastBlock, true);
  assert.equal(ff.datablock.lastBlockRaw, 0xff);
  const refused = expectType(roundTrip(P.GOSEM_GET_RESPONSE_WITH_DATABLOCK_RESULT), 'get-response-with-datablock');
  assert.deepEqual(refused.datablock.result, { type: 'data-access-result', value: 'success' });
});

test('SET request normal and first datablock (Green Book Table 137), SET responses', () => {
  assert.deepEqual(roundTrip(P.SET_REQUEST_NORMAL), {
    type: 'set-request-normal',
    invokeIdAndPriority: C1,
    descriptor: { classId: 8, instanceId: parseObis('0-0:1.0.0.255'), attributeId: 2 },
    value: octets('07E50118FF0E303950FFC400'),
  });
  const first = expectType(roundTrip(P.SET_REQUEST_WITH_FIRST_DATABLOCK), 'set-request-with-first-datablock');
  assert.deepEqual(first.descriptor, { classId: 1, instanceId: parseObis('0-0:128.0.0.255'), attributeId: 2 });
  assert.equal(first.accessSelection, undefined);
  assert.deepEqual(first.datablock, { lastBlock: false, blockNumber: 1, rawData: u('093201020304050607080910111213141516171819') });
  assert.deepEqual(roundTrip(P.SET_RESPONSE_NORMAL), { type: 'set-response-normal', invokeIdAndPriority: C1, result: 'success' });
  assert.deepEqual(roundTrip(P.SET_RESPONSE_DATABLOCK), { type: 'set-response-datablock', invokeIdAndPriority: C1, blockNumber: 1 });
  assert.deepEqual(roundTrip(P.SET_RESPONSE_LAST_DATABLOCK), { type: 'set-response-last-datablock', invokeIdAndPriority: C1, result: 'success', blockNumber: 2 });
});

test('ACTION: HLS reply_to_HLS_authentication request and responses (u9n/dlms-cosem)', () => {
  assert.deepEqual(roundTrip(P.ACTION_REQUEST_NORMAL), {
    type: 'action-request-normal',
    invokeIdAndPriority: C0,
    descriptor: { classId: 15, instanceId: parseObis('0-0:40.0.0.255'), methodId: 1 },
    parameters: octets('1000001A90E6D2221FA2FD85EED61ACC22'),
  });
  assert.deepEqual(roundTrip(P.ACTION_REQUEST_NORMAL_NO_PARAMETERS), {
    type: 'action-request-normal',
    invokeIdAndPriority: C0,
    descriptor: { classId: 15, instanceId: parseObis('0-0:40.0.0.255'), methodId: 1 },
  });
  assert.deepEqual(roundTrip(P.ACTION_RESPONSE_NORMAL), { type: 'action-response-normal', invokeIdAndPriority: C0, response: { result: 'success' } });
  assert.deepEqual(expectType(roundTrip(P.ACTION_RESPONSE_NORMAL_WITH_DATA), 'action-response-normal').response, {
    result: 'success',
    returnParameters: { type: 'data', value: octets('1000001AFDE8857B728A3499106AA665D1') },
  });
  assert.deepEqual(expectType(roundTrip(P.ACTION_RESPONSE_NORMAL_WITH_ERROR), 'action-response-normal').response, {
    result: 'success',
    returnParameters: { type: 'data-access-result', value: 'other-reason' },
  });
});

test('data-notification and event-notification-request (u9n, gosem)', () => {
  const dn = expectType(roundTrip(P.DATA_NOTIFICATION_U9N), 'data-notification');
  assert.deepEqual(dn.longInvokeIdAndPriority, { invokeId: 475, selfDescriptive: false, breakOnError: false, confirmed: false, highPriority: false });
  assert.equal(dn.dateTime, undefined);
  assert.equal(dn.body.type, 'octet-string');
  assert.deepEqual(roundTrip(P.GOSEM_DATA_NOTIFICATION_BOOLEAN), {
    type: 'data-notification',
    longInvokeIdAndPriority: { invokeId: 6543210, selfDescriptive: false, breakOnError: false, confirmed: false, highPriority: false },
    body: { type: 'boolean', value: true, raw: 0xff },
  });
  const arr = expectType(roundTrip(P.GOSEM_DATA_NOTIFICATION_ARRAY), 'data-notification');
  assert.equal(arr.longInvokeIdAndPriority.invokeId, 1121);
  assert.equal(arr.body.type === 'array' && arr.body.value.length, 1);
  const ev = expectType(roundTrip(P.GOSEM_EVENT_NOTIFICATION), 'event-notification-request');
  assert.deepEqual(ev.time, u('05DC010101000000FF000000'));
  assert.deepEqual(ev.descriptor, { classId: 1, instanceId: parseObis('1-0:0.3.0.255'), attributeId: 2 });
  assert.deepEqual(ev.value, { type: 'boolean', value: true, raw: 0xff });
  assert.equal(expectType(roundTrip(P.GOSEM_EVENT_NOTIFICATION_NO_TIME), 'event-notification-request').time, undefined);
});

test('exception-response and confirmed-service-error (gosem), including the newer variants', () => {
  assert.deepEqual(roundTrip(P.GOSEM_EXCEPTION_RESPONSE), { type: 'exception-response', stateError: 'service-unknown', serviceError: { type: 'other-reason' } });
  assert.deepEqual(roundTrip(P.GOSEM_EXCEPTION_RESPONSE_TO_AARQ), {
    type: 'exception-response',
    stateError: 'service-not-allowed',
    serviceError: { type: 'operation-not-possible' },
  });
  // Constructed (not published): invocation-counter-error [6] carries the counter the server expected.
  assert.deepEqual(roundTrip('D8 01 06 00000123'), {
    type: 'exception-response',
    stateError: 'service-not-allowed',
    serviceError: { type: 'invocation-counter-error', invocationCounter: 0x123 },
  });
  assert.deepEqual(roundTrip('D8 07 09'), { type: 'exception-response', stateError: 7, serviceError: { type: 'unknown', tag: 9 } });
  assert.deepEqual(roundTrip(P.GOSEM_CONFIRMED_SERVICE_ERROR), {
    type: 'confirmed-service-error',
    service: 'initiate-error',
    error: { type: 'initiate', value: 'dlms-version-too-low' },
  });
  assert.deepEqual(roundTrip(P.GOSEM_CONFIRMED_SERVICE_ERROR_SERVICE), {
    type: 'confirmed-service-error',
    service: 'initiate-error',
    error: { type: 'service', value: 'service-unsupported' },
  });
  // Unknown numbers are kept (constructed bytes).
  assert.deepEqual(roundTrip('0E 05 05 02'), { type: 'confirmed-service-error', service: 'read', error: { type: 'access', value: 'object-access-violated' } });
  assert.deepEqual(roundTrip('0E 2A 0B 05'), { type: 'confirmed-service-error', service: 42, error: { type: 'unknown', tag: 11, value: 5 } });
  assert.deepEqual(roundTrip('0E 06 04 09'), { type: 'confirmed-service-error', service: 'write', error: { type: 'definition', value: 9 } });
  assert.deepEqual(roundTrip('0E 01 0A 00'), { type: 'confirmed-service-error', service: 'initiate-error', error: { type: 'other', value: 0 } });
});

test('captured session: the fixture APDUs are the HDLC frames’ information fields after the LLC', () => {
  const byName = new Map(CAPTURED_SESSION.map((f) => [f.name, f.hex]));
  for (const [key, frames] of Object.entries(C.SOURCE_FRAMES)) {
    const reassembler = new HdlcReassembler();
    let info: Uint8Array | undefined;
    for (const name of frames) {
      const r = reassembler.push(decodeHdlcFrame(u(byName.get(name) ?? '')));
      if (r.type === 'complete') info = r.information;
    }
    assert.ok(info, key);
    assert.equal(bytesToHex(stripLlc(info).apdu), hex(C[key as keyof typeof C.SOURCE_FRAMES]), key);
  }
});

test('captured session: GET serial number, clock and capture objects', () => {
  const req = expectType(roundTrip(C.GET_SERIAL_NUMBER), 'get-request-normal');
  assert.deepEqual(req.invokeIdAndPriority, { invokeId: 7, confirmed: false, highPriority: true });
  assert.deepEqual(req.descriptor, attributeDescriptor(1, '0-0:96.1.0.255', 2));
  const serial = expectType(roundTrip(C.GET_SERIAL_NUMBER_RESPONSE), 'get-response-normal');
  assert.equal(serial.result.type === 'data' && serial.result.value.type === 'octet-string' && Buffer.from(serial.result.value.value).toString('latin1'), 'APAnor3094481130');
  const clock = expectType(roundTrip(C.GET_CLOCK_RESPONSE), 'get-response-normal');
  assert.deepEqual(clock.result, { type: 'data', value: octets('07E40509060E1A0FFF00B400') });
  const objects = expectType(roundTrip(C.GET_CAPTURE_OBJECTS_RESPONSE), 'get-response-normal');
  assert.equal(objects.result.type === 'data' && objects.result.value.type === 'array' && objects.result.value.value.length, 8);
});

test('range descriptor: parse the captured and the u9n requests, and build them back', () => {
  const captured = expectType(roundTrip(C.GET_PROFILE_BY_RANGE), 'get-request-normal');
  assert.deepEqual(captured.descriptor, attributeDescriptor(7, '1-0:99.1.0.255', 2));
  assert.ok(captured.accessSelection);
  const range = parseRangeDescriptor(captured.accessSelection);
  assert.deepEqual(range, {
    restrictingObject: CLOCK_CAPTURE_OBJECT,
    from: octets('07E4040EFF000000FF8000FF'),
    to: octets('07E4040EFF173B3BFF8000FF'),
    selectedValues: [CLOCK_CAPTURE_OBJECT, { classId: 3, logicalName: parseObis('1-0:15.8.0.255'), attributeIndex: 2, dataIndex: 0 }],
  });
  const rebuilt = getRequest(attributeDescriptor(7, '1-0:99.1.0.255', 2), {
    invokeId: 14,
    confirmed: false,
    access: rangeDescriptor(range),
  });
  assert.equal(bytesToHex(encodeXdlmsApdu(rebuilt)), hex(C.GET_PROFILE_BY_RANGE));

  const u9n = expectType(roundTrip(P.GET_REQUEST_BY_RANGE), 'get-request-normal');
  assert.ok(u9n.accessSelection);
  const r2 = parseRangeDescriptor(u9n.accessSelection);
  assert.deepEqual(r2.selectedValues, []);
  const built = getRequest(attributeDescriptor(7, '1.0.99.1.0.255', 2), {
    invokeId: 1,
    access: rangeDescriptor({ restrictingObject: CLOCK_CAPTURE_OBJECT, from: octets('07E10A010700000000FFC480'), to: octets('07E10A010701000000FFC480') }),
  });
  assert.equal(bytesToHex(encodeXdlmsApdu(built)), hex(P.GET_REQUEST_BY_RANGE));
});

test('entry descriptor: build, parse, and refuse the wrong selector or shape', () => {
  const sad = entryDescriptor({ fromEntry: 1, toEntry: 96 });
  assert.deepEqual(parseEntryDescriptor(sad), { fromEntry: 1, toEntry: 96, fromSelectedValue: 1, toSelectedValue: 0 });
  // Constructed bytes: 02 04 06 00000001 06 00000060 12 0001 12 0000 after the selector.
  assert.equal(bytesToHex(encodeDataBytes(sad.accessParameters)), '020406000000010600000060120001120000');
  assert.throws(() => parseRangeDescriptor(sad), isCode('INVALID_VALUE'));
  assert.throws(() => parseEntryDescriptor({ accessSelector: 2, accessParameters: { type: 'null-data' } }), isCode('INVALID_VALUE'));
  const badColumn: SelectiveAccessDescriptor = rangeDescriptor({ restrictingObject: CLOCK_CAPTURE_OBJECT, from: { type: 'null-data' }, to: { type: 'null-data' } });
  const params = badColumn.accessParameters;
  assert.ok(params.type === 'structure');
  const broken: SelectiveAccessDescriptor = { accessSelector: 1, accessParameters: { type: 'structure', value: [params.value[0] as DlmsData, params.value[1] as DlmsData, params.value[2] as DlmsData, { type: 'array', value: [{ type: 'unsigned', value: 1 }] }] } };
  assert.throws(() => parseRangeDescriptor(broken), (e: unknown) => e instanceof DlmsError && e.code === 'INVALID_VALUE' && e.path === 'range_descriptor.selected_values[0]');
});

test('HAN pushes: real Kaifa and Kamstrup frames through HDLC, then the APDU', () => {
  const kaifaFrame = decodeHdlcFrame(u(H.KAIFA_LIST1_FRAME));
  const kaifaApdu = stripLlc(kaifaFrame.information).apdu;
  assert.equal(bytesToHex(kaifaApdu), H.KAIFA_LIST1_APDU);
  const kaifa = expectType(roundTrip(H.KAIFA_LIST1_APDU), 'data-notification');
  assert.deepEqual(kaifa.longInvokeIdAndPriority, { invokeId: 0, selfDescriptive: false, breakOnError: false, confirmed: true, highPriority: false });
  assert.equal(kaifa.dateTimeAsData, true);
  assert.deepEqual(kaifa.dateTime, u('07E1090C0217122AFF800000'));
  assert.deepEqual(kaifa.body, { type: 'structure', value: [{ type: 'double-long-unsigned', value: 1320 }] });

  const kamstrupFrame = decodeHdlcFrame(u(H.KAMSTRUP_LIST2_FRAME));
  const kamstrup = expectType(decodeXdlmsApdu(stripLlc(kamstrupFrame.information).apdu), 'data-notification');
  assert.equal(bytesToHex(encodeXdlmsApdu(kamstrup)), bytesToHex(stripLlc(kamstrupFrame.information).apdu));
  assert.equal(kamstrup.dateTimeAsData, true);
  assert.ok(kamstrup.body.type === 'structure');
  assert.equal(kamstrup.body.value.length, 25);
  assert.deepEqual(kamstrup.body.value[6], { type: 'double-long-unsigned', value: 1468 });
});

test('HAN pushes: Aidon (no date-time), Kamstrup (bare OCTET STRING date-time), Kaifa list 2', () => {
  const aidon = expectType(roundTrip(H.AIDON_LIST1_APDU), 'data-notification');
  assert.equal(aidon.dateTime, undefined);
  assert.equal(aidon.dateTimeAsData, undefined);
  assert.equal(aidon.longInvokeIdAndPriority.confirmed, true);
  assert.deepEqual(aidon.body, {
    type: 'array',
    value: [
      {
        type: 'structure',
        value: [
          octets('0100010700FF'),
          { type: 'double-long-unsigned', value: 280 },
          { type: 'structure', value: [{ type: 'integer', value: 0 }, { type: 'enum', value: 27 }] },
        ],
      },
    ],
  });
  const list2 = expectType(roundTrip(H.AIDON_LIST2_APDU), 'data-notification');
  assert.equal(list2.body.type === 'array' && list2.body.value.length, 12);
  const kamstrup = expectType(roundTrip(H.KAMSTRUP_LIST1_APDU), 'data-notification');
  assert.deepEqual(kamstrup.dateTime, u('07D0010106162100FF800001'));
  assert.equal(kamstrup.dateTimeAsData, undefined);
  const kaifa = expectType(roundTrip(H.KAIFA_LIST2_APDU), 'data-notification');
  assert.equal(kaifa.dateTimeAsData, true);
  assert.equal(kaifa.body.type === 'structure' && kaifa.body.value.length, 13);
});

// -------------------------------------------------------------------------------------------
// Block transfer
// -------------------------------------------------------------------------------------------

const gbtBlock = (h: string) => expectType(decodeXdlmsApdu(u(h)), 'general-block-transfer');
const LGE450_BLOCKS = [G.LGE450_GBT_BLOCK_1, G.LGE450_GBT_BLOCK_2, G.LGE450_GBT_BLOCK_3] as const;
const CONSTRUCTED_SERVER_BLOCKS = [G.CONSTRUCTED_GBT_BLOCK_1, G.CONSTRUCTED_GBT_BLOCK_2, G.CONSTRUCTED_GBT_BLOCK_3] as const;

test('general-block-transfer: the L+G E450 blocks are the information fields of their HDLC frames', () => {
  const infos = G.LGE450_GBT_FRAMES.map((f) => stripLlc(decodeHdlcFrame(u(f)).information));
  assert.deepEqual(
    infos.map((i) => i.llc),
    ['response', undefined, undefined],
    'the meter sends the LLC header before the first block only',
  );
  assert.deepEqual(
    infos.map((i) => bytesToHex(i.apdu)),
    LGE450_BLOCKS.map((b) => hex(b)),
  );
});

test('general-block-transfer: the streamed L+G E450 push decodes, re-encodes and joins into a data-notification (smartmeter-datacollector)', () => {
  const blocks = LGE450_BLOCKS.map((h) => expectType(roundTrip(h), 'general-block-transfer'));
  assert.deepEqual(
    blocks.map(({ blockData, ...fields }) => ({ ...fields, length: blockData.length })),
    [
      { type: 'general-block-transfer', lastBlock: false, streaming: true, window: 0, blockNumber: 1, blockNumberAck: 0, length: 112 },
      { type: 'general-block-transfer', lastBlock: false, streaming: true, window: 0, blockNumber: 2, blockNumberAck: 0, length: 122 },
      { type: 'general-block-transfer', lastBlock: true, streaming: true, window: 0, blockNumber: 3, blockNumberAck: 0, length: 44 },
    ],
  );
  const reassembler = new GeneralBlockTransferReassembler();
  assert.deepEqual(reassembler.push(blocks[0] as GeneralBlockTransfer), { type: 'need-more' });
  assert.deepEqual(reassembler.push(blocks[1] as GeneralBlockTransfer), { type: 'need-more' });
  assert.equal(reassembler.lastBlockNumber, 2);
  assert.equal(reassembler.pending, true);
  const done = reassembler.push(blocks[2] as GeneralBlockTransfer);
  assert.equal(done.type, 'complete');
  assert.equal(reassembler.pending, false);
  const joined = done.type === 'complete' ? done.bytes : new Uint8Array(0);
  assert.equal(bytesToHex(joined), blocks.map((b) => bytesToHex(b.blockData)).join(''));
  const push = expectType(decodeXdlmsApdu(joined), 'data-notification');
  assert.equal(bytesToHex(encodeXdlmsApdu(push)), bytesToHex(joined));
  assert.deepEqual(push.longInvokeIdAndPriority, { invokeId: 242995, selfDescriptive: false, breakOnError: false, confirmed: false, highPriority: false });
  assert.deepEqual(push.dateTime, u('07E60B160210251EFF800000'));
  assert.ok(push.body.type === 'structure');
  assert.equal(push.body.value.length, 11);
  assert.equal(push.body.value[0]?.type === 'array' && push.body.value[0].value.length, 11, 'the push object list');
  assert.deepEqual(push.body.value[2], octets('3434333337383131'), 'the serial number, split across blocks 2 and 3');
  assert.deepEqual(push.body.value[10], { type: 'double-long-unsigned', value: 15745368 });
});

test('general-block-transfer: the dlms-cosem vector, and a constructed long-form length kept for re-encoding', () => {
  const fields = { type: 'general-block-transfer', lastBlock: true, streaming: false, window: 3, blockNumber: 4, blockNumberAck: 5, blockData: u('616263') } as const;
  assert.deepEqual(roundTrip(G.DLMS_COSEM_GBT), fields);
  const long = roundTrip(G.CONSTRUCTED_GBT_LONG_FORM_LENGTH);
  assert.deepEqual(long, { ...fields, blockDataLengthBytes: 2 });
  assert.equal(bytesToHex(encodeXdlmsApdu({ ...fields, blockDataLengthBytes: 4 })), 'E083000400058400000003616263');
  assert.throws(() => encodeXdlmsApdu({ ...fields, blockData: new Uint8Array(256), blockDataLengthBytes: 1 }), isCode('INVALID_VALUE'));
  assert.throws(() => encodeXdlmsApdu({ ...fields, blockDataLengthBytes: 5 }), isCode('INVALID_VALUE'));
});

test('general-block-transfer: a constructed windowed GET exchange (request, server blocks, client ack) decodes and joins', () => {
  const request = expectType(roundTrip(G.CONSTRUCTED_GBT_GET_REQUEST), 'general-block-transfer');
  const { blockData: requestApdu, ...requestFields } = request;
  assert.deepEqual(requestFields, { type: 'general-block-transfer', lastBlock: true, streaming: false, window: 2, blockNumber: 1, blockNumberAck: 0 });
  assert.deepEqual(decodeXdlmsApdu(requestApdu), {
    type: 'get-request-normal',
    invokeIdAndPriority: C1,
    descriptor: { classId: 7, instanceId: parseObis('1-0:99.1.0.255'), attributeId: 3 },
  });
  assert.deepEqual(roundTrip(G.CONSTRUCTED_GBT_ACK), {
    type: 'general-block-transfer',
    lastBlock: true,
    streaming: false,
    window: 2,
    blockNumber: 2,
    blockNumberAck: 2,
    blockData: new Uint8Array(0),
  });
  const blocks = CONSTRUCTED_SERVER_BLOCKS.map((h) => expectType(roundTrip(h), 'general-block-transfer'));
  assert.deepEqual(
    blocks.map((b) => [b.lastBlock, b.streaming, b.window, b.blockNumber, b.blockNumberAck, b.blockData.length, b.blockDataLengthBytes]),
    [
      [false, true, 1, 1, 1, 128, undefined],
      [false, false, 1, 2, 1, 128, undefined],
      [true, false, 1, 3, 2, 38, undefined],
    ],
    'blocks of 128 bytes use the minimal long form 81 80',
  );
  const reassembler = new GeneralBlockTransferReassembler();
  const results = blocks.map((b) => reassembler.push(b));
  const last = results[2];
  assert.deepEqual(results.slice(0, 2), [{ type: 'need-more' }, { type: 'need-more' }]);
  assert.equal(last?.type === 'complete' && bytesToHex(last.bytes), hex(G.CONSTRUCTED_GBT_JOINED));
  // The same blocks come out of splitIntoBlocks.
  const split = splitIntoBlocks(u(G.CONSTRUCTED_GBT_JOINED), 128);
  assert.deepEqual(
    split.map((b) => [b.blockNumber, b.lastBlock, bytesToHex(b.rawData)]),
    blocks.map((b) => [b.blockNumber, b.lastBlock, bytesToHex(b.blockData)]),
  );
  const response = expectType(roundTrip(G.CONSTRUCTED_GBT_JOINED), 'get-response-normal');
  assert.ok(response.result.type === 'data' && response.result.value.type === 'array');
  assert.equal(response.result.value.value.length, 16);
  assert.deepEqual(response.result.value.value[0], {
    type: 'structure',
    value: [
      { type: 'long-unsigned', value: 8 },
      octets('0000010000FF'),
      { type: 'integer', value: 2 },
      { type: 'long-unsigned', value: 0 },
    ],
  });
});

test('general-block-transfer: a lost block is BLOCK_SEQUENCE and the reassembler starts over', () => {
  const blocks = LGE450_BLOCKS.map(gbtBlock);
  const reassembler = new GeneralBlockTransferReassembler();
  reassembler.push(blocks[0] as GeneralBlockTransfer);
  assert.throws(() => reassembler.push(blocks[2] as GeneralBlockTransfer), isCode('BLOCK_SEQUENCE'));
  assert.equal(reassembler.pending, false);
  assert.equal(reassembler.lastBlockNumber, 0);
  assert.throws(() => reassembler.push(blocks[1] as GeneralBlockTransfer), isCode('BLOCK_SEQUENCE'), 'a fresh transfer must start at block 1');
  assert.deepEqual(reassembler.push(blocks[0] as GeneralBlockTransfer), { type: 'need-more' });
  // A repeated block is out of sequence too.
  assert.throws(() => reassembler.push(blocks[0] as GeneralBlockTransfer), isCode('BLOCK_SEQUENCE'));
});

test('block reassembly honours maxBlocks and maxApduSize', () => {
  const blocks = splitIntoBlocks(new Uint8Array(100), 10);
  const few = new DataBlockReassembler({ maxBlocks: 5 });
  for (let i = 0; i < 5; i++) few.push(blocks[i] as DataBlockSa);
  assert.throws(() => few.push(blocks[5] as DataBlockSa), isCode('LIMIT_EXCEEDED'));
  const small = new DataBlockReassembler({ maxApduSize: 35 });
  for (let i = 0; i < 3; i++) small.push(blocks[i] as DataBlockSa);
  assert.throws(() => small.push(blocks[3] as DataBlockSa), isCode('LIMIT_EXCEEDED'));
  const [b1, b2, b3] = CONSTRUCTED_SERVER_BLOCKS.map(gbtBlock) as [GeneralBlockTransfer, GeneralBlockTransfer, GeneralBlockTransfer];
  const twoBlocks = new GeneralBlockTransferReassembler({ maxBlocks: 2 });
  twoBlocks.push(b1);
  twoBlocks.push(b2);
  assert.throws(() => twoBlocks.push(b3), isCode('LIMIT_EXCEEDED'));
  assert.equal(twoBlocks.pending, false, 'the error discards what was held');
  const twoHundredBytes = new GeneralBlockTransferReassembler({ maxApduSize: 200 });
  twoHundredBytes.push(b1);
  assert.throws(() => twoHundredBytes.push(b2), isCode('LIMIT_EXCEEDED'));
  assert.equal(twoHundredBytes.pending, false);
  const exact = new GeneralBlockTransferReassembler({ maxBlocks: 3, maxApduSize: 294 });
  assert.deepEqual([b1, b2, b3].map((b) => exact.push(b).type), ['need-more', 'need-more', 'complete'], 'limits are inclusive');
});

test('GET with datablock: a long value split by the server joins back (gosem block, constructed split)', () => {
  const block = expectType(decodeXdlmsApdu(u(P.GOSEM_GET_RESPONSE_WITH_DATABLOCK)), 'get-response-with-datablock');
  const r = new DataBlockReassembler();
  assert.ok(block.datablock.result.type === 'raw-data');
  assert.deepEqual(r.push({ ...block.datablock, rawData: block.datablock.result.value }), { type: 'complete', bytes: u('07D20C04030A060BFF007800') });

  // Constructed: a capture-objects value sent in 40-byte blocks, with get-request-next in between.
  const value = u(C.GET_CAPTURE_OBJECTS_RESPONSE).subarray(4);
  const reassembler = new DataBlockReassembler();
  let result: Uint8Array | undefined;
  for (const b of splitIntoBlocks(value, 40)) {
    const wire = encodeXdlmsApdu({ type: 'get-response-with-datablock', invokeIdAndPriority: C1, datablock: { lastBlock: b.lastBlock, blockNumber: b.blockNumber, result: { type: 'raw-data', value: b.rawData } } });
    const got = expectType(decodeXdlmsApdu(wire), 'get-response-with-datablock');
    assert.ok(got.datablock.result.type === 'raw-data');
    const step = reassembler.push({ ...got.datablock, rawData: got.datablock.result.value });
    if (step.type === 'complete') result = step.bytes;
    else assert.equal(bytesToHex(encodeXdlmsApdu(getRequestNext(reassembler.lastBlockNumber, { invokeId: 1 }))), `C002C1${reassembler.lastBlockNumber.toString(16).padStart(8, '0').toUpperCase()}`);
  }
  assert.ok(result);
  assert.equal(decodeDataBytes(result).type, 'array');
});

test('splitIntoBlocks numbers from 1, flags the last block, and joins back', () => {
  assert.deepEqual(splitIntoBlocks(new Uint8Array(0), 8), [{ lastBlock: true, blockNumber: 1, rawData: new Uint8Array(0) }]);
  assert.throws(() => splitIntoBlocks(new Uint8Array(4), 0), isCode('INVALID_VALUE'));
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 500 }), fc.integer({ min: 1, max: 64 }), (bytes, size) => {
      const blocks = splitIntoBlocks(bytes, size);
      assert.equal(blocks.filter((b) => b.lastBlock).length, 1);
      const r = new DataBlockReassembler();
      let out: Uint8Array | undefined;
      for (const b of blocks) {
        assert.ok(b.rawData.length <= size);
        const step = r.push(b);
        if (step.type === 'complete') out = step.bytes;
      }
      assert.deepEqual(out, bytes);
    }),
  );
});

// -------------------------------------------------------------------------------------------
// Invoke ids, enums, builders, errors
// -------------------------------------------------------------------------------------------

test('Invoke-Id-And-Priority: every byte decodes to named fields and encodes back exactly', () => {
  for (let b = 0; b < 256; b++) assert.equal(encodeInvokeIdAndPriority(decodeInvokeIdAndPriority(b)), b);
  assert.deepEqual(decodeInvokeIdAndPriority(0xc1), C1);
  assert.throws(() => encodeInvokeIdAndPriority({ invokeId: 16, confirmed: true, highPriority: true }), isCode('INVALID_VALUE'));
});

test('Long-Invoke-Id-And-Priority: HAN values and any 32-bit value encode back exactly', () => {
  assert.deepEqual(decodeLongInvokeIdAndPriority(0x40000000), { invokeId: 0, selfDescriptive: false, breakOnError: false, confirmed: true, highPriority: false });
  assert.deepEqual(decodeLongInvokeIdAndPriority(0xf0000001), { invokeId: 1, selfDescriptive: true, breakOnError: true, confirmed: true, highPriority: true });
  fc.assert(fc.property(fc.integer({ min: 0, max: 0xffffffff }), (v) => assert.equal(encodeLongInvokeIdAndPriority(decodeLongInvokeIdAndPriority(v)), v)));
});

test('enums: every Green Book name, unknown codes kept as numbers', () => {
  assert.deepEqual(
    [0, 1, 2, 3, 4, 9, 11, 12, 13, 14, 15, 16, 17, 18, 19, 250].map((n) => DATA_ACCESS_RESULT.name(n)),
    [
      'success',
      'hardware-fault',
      'temporary-failure',
      'read-write-denied',
      'object-undefined',
      'object-class-inconsistent',
      'object-unavailable',
      'type-unmatched',
      'scope-of-access-violated',
      'data-block-unavailable',
      'long-get-aborted',
      'no-long-get-in-progress',
      'long-set-aborted',
      'no-long-set-in-progress',
      'data-block-number-invalid',
      'other-reason',
    ],
  );
  assert.equal(ACTION_RESULT.name(15), 'long-action-aborted');
  assert.equal(ACTION_RESULT.name(16), 'no-long-action-in-progress');
  assert.deepEqual(roundTrip('C5 01 C1 07'), { type: 'set-response-normal', invokeIdAndPriority: C1, result: 7 });
  assert.throws(() => encodeXdlmsApdu({ type: 'set-response-normal', invokeIdAndPriority: C1, result: 'no-such-result' as 'success' }), isCode('INVALID_VALUE'));
});

test('builders produce the requests head-ends send', () => {
  assert.equal(bytesToHex(encodeXdlmsApdu(getRequest(attributeDescriptor(8, '0-0:1.0.0.255', 3), { invokeId: 1 }))), P.GOSEM_GET_CLOCK_TIME_ZONE);
  assert.equal(bytesToHex(encodeXdlmsApdu(getRequestNext(1, { invokeId: 1 }))), P.GET_REQUEST_NEXT);
  assert.equal(bytesToHex(encodeXdlmsApdu(setRequest(attributeDescriptor(8, '0-0:1.0.0.255', 2), octets('07E50118FF0E303950FFC400'), { invokeId: 1 }))), hex(P.SET_REQUEST_NORMAL));
  assert.equal(bytesToHex(encodeXdlmsApdu(actionRequest(methodDescriptor(15, '0-0:40.0.0.255', 1), undefined, { invokeId: 0 }))), hex(P.ACTION_REQUEST_NORMAL_NO_PARAMETERS));
  assert.throws(() => getRequest(attributeDescriptor(1, '0-0:1.0.0.255', 2), { invokeId: 16 }), isCode('INVALID_VALUE'));
});

test('malformed input: unknown tags, bad presence flags, limits', () => {
  assert.throws(() => decodeXdlmsApdu(new Uint8Array(0)), isCode('TRUNCATED'));
  assert.throws(() => decodeXdlmsApdu(u('C6 01 C1')), (e: unknown) => e instanceof DlmsError && e.code === 'UNSUPPORTED_TAG' && e.offset === 0);
  assert.throws(() => decodeXdlmsApdu(u('C0 04 C1 00000001')), (e: unknown) => e instanceof DlmsError && e.code === 'UNSUPPORTED_TAG' && e.offset === 1);
  assert.throws(() => decodeXdlmsApdu(u('C4 01 C1 02 00')), (e: unknown) => e instanceof DlmsError && e.code === 'UNSUPPORTED_TAG' && e.offset === 3);
  assert.throws(() => decodeXdlmsApdu(u('C0 01 C1 0001 00002B0100FF 02 02')), (e: unknown) => e instanceof DlmsError && e.code === 'INVALID_VALUE' && e.offset === 12);
  assert.throws(() => decodeXdlmsApdu(u(P.GET_REQUEST_WITH_LIST), { maxElements: 1 }), isCode('LIMIT_EXCEEDED'));
  assert.throws(() => decodeXdlmsApdu(u(P.GET_REQUEST_WITH_LIST), { maxApduSize: 10 }), isCode('LIMIT_EXCEEDED'));
  assert.throws(() => decodeXdlmsApdu(u('C0 03 C1 84FFFFFFFF')), isCode('LIMIT_EXCEEDED'));
  assert.throws(() => decodeXdlmsApdu(u('C0 03 C1 10 0001')), (e: unknown) => e instanceof DlmsError && e.code === 'TRUNCATED' && e.offset === 3);
  // An error inside Data names where it is in the APDU.
  assert.throws(
    () => decodeXdlmsApdu(u('C4 01 C1 00 0202 1200')),
    (e: unknown) => e instanceof DlmsError && e.code === 'TRUNCATED' && (e.path ?? '').startsWith('get-response-normal.result.data'),
  );
  assert.throws(() => encodeXdlmsApdu({ type: 'general-block-transfer', lastBlock: true, streaming: false, window: 64, blockNumber: 1, blockNumberAck: 0, blockData: new Uint8Array(0) }), isCode('INVALID_VALUE'));
  assert.throws(
    () => encodeXdlmsApdu({ type: 'data-notification', longInvokeIdAndPriority: decodeLongInvokeIdAndPriority(0), dateTime: new Uint8Array(9), body: { type: 'null-data' } }),
    isCode('INVALID_VALUE'),
  );
});

// -------------------------------------------------------------------------------------------
// Property tests and fuzzing
// -------------------------------------------------------------------------------------------

const u8 = fc.integer({ min: 0, max: 255 });
const u16 = fc.integer({ min: 0, max: 0xffff });
const u32 = fc.integer({ min: 0, max: 0xffffffff });
const i8 = fc.integer({ min: -128, max: 127 });
const bytes = fc.uint8Array({ maxLength: 40 });
const obis = fc.uint8Array({ minLength: 6, maxLength: 6 }).map((b) => obisFromBytes(b));
const iip = u8.map(decodeInvokeIdAndPriority);
const dar = u8.map((n) => DATA_ACCESS_RESULT.name(n));
const attr: fc.Arbitrary<CosemAttributeDescriptor> = fc.record({ classId: u16, instanceId: obis, attributeId: i8 }, { noNullPrototype: true });
const method: fc.Arbitrary<CosemMethodDescriptor> = fc.record({ classId: u16, instanceId: obis, methodId: i8 }, { noNullPrototype: true });
const sad: fc.Arbitrary<SelectiveAccessDescriptor> = fc.record({ accessSelector: u8, accessParameters: dlmsData }, { noNullPrototype: true });
const optional = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
const withSelection: fc.Arbitrary<CosemAttributeDescriptorWithSelection> = fc
  .tuple(attr, optional(sad))
  .map(([descriptor, s]) => ({ descriptor, ...(s !== undefined ? { accessSelection: s } : {}) }));
const list = <T>(arb: fc.Arbitrary<T>) => fc.array(arb, { maxLength: 4 });
const lastBlock = fc.oneof(
  fc.constant({ lastBlock: false }),
  fc.constant({ lastBlock: true }),
  fc.integer({ min: 2, max: 255 }).map((lastBlockRaw) => ({ lastBlock: true, lastBlockRaw })),
);
const blockSa: fc.Arbitrary<DataBlockSa> = fc.tuple(lastBlock, u32, bytes).map(([l, blockNumber, rawData]) => ({ ...l, blockNumber, rawData }));
const getDataResult: fc.Arbitrary<GetDataResult> = fc.oneof(
  dlmsData.map((value): GetDataResult => ({ type: 'data', value })),
  dar.map((value): GetDataResult => ({ type: 'data-access-result', value })),
);
const actionResponse = fc
  .tuple(
    u8.map((n) => ACTION_RESULT.name(n)),
    optional(getDataResult),
  )
  .map(([result, rp]) => ({ result, ...(rp !== undefined ? { returnParameters: rp } : {}) }));
const opt = <K extends string, T>(key: K, v: T | undefined) => (v !== undefined ? ({ [key]: v } as Record<K, T>) : {});

const gbt: fc.Arbitrary<XdlmsApdu> = fc
  .tuple(fc.boolean(), fc.boolean(), fc.integer({ min: 0, max: 63 }), u16, u16, fc.uint8Array({ maxLength: 300 }), fc.integer({ min: 0, max: 4 }))
  .map(([last, streaming, window, blockNumber, blockNumberAck, blockData, extra]) => {
    const minimal = blockData.length < 0x80 ? 0 : blockData.length < 0x100 ? 1 : 2;
    const n = extra > minimal ? extra : undefined;
    return { type: 'general-block-transfer', lastBlock: last, streaming, window, blockNumber, blockNumberAck, blockData, ...opt('blockDataLengthBytes', n) };
  });

const xdlmsApdu: fc.Arbitrary<XdlmsApdu> = fc.oneof(
  fc.tuple(iip, attr, optional(sad)).map(([i, descriptor, s]): XdlmsApdu => ({ type: 'get-request-normal', invokeIdAndPriority: i, descriptor, ...opt('accessSelection', s) })),
  fc.tuple(iip, u32).map(([i, blockNumber]): XdlmsApdu => ({ type: 'get-request-next', invokeIdAndPriority: i, blockNumber })),
  fc.tuple(iip, list(withSelection)).map(([i, descriptors]): XdlmsApdu => ({ type: 'get-request-with-list', invokeIdAndPriority: i, descriptors })),
  fc.tuple(iip, getDataResult).map(([i, result]): XdlmsApdu => ({ type: 'get-response-normal', invokeIdAndPriority: i, result })),
  fc
    .tuple(iip, lastBlock, u32, fc.oneof(bytes.map((value) => ({ type: 'raw-data' as const, value })), dar.map((value) => ({ type: 'data-access-result' as const, value }))))
    .map(([i, l, blockNumber, result]): XdlmsApdu => ({ type: 'get-response-with-datablock', invokeIdAndPriority: i, datablock: { ...l, blockNumber, result } })),
  fc.tuple(iip, list(getDataResult)).map(([i, results]): XdlmsApdu => ({ type: 'get-response-with-list', invokeIdAndPriority: i, results })),
  fc.tuple(iip, attr, optional(sad), dlmsData).map(([i, descriptor, s, value]): XdlmsApdu => ({ type: 'set-request-normal', invokeIdAndPriority: i, descriptor, ...opt('accessSelection', s), value })),
  fc
    .tuple(iip, attr, optional(sad), blockSa)
    .map(([i, descriptor, s, datablock]): XdlmsApdu => ({ type: 'set-request-with-first-datablock', invokeIdAndPriority: i, descriptor, ...opt('accessSelection', s), datablock })),
  fc.tuple(iip, blockSa).map(([i, datablock]): XdlmsApdu => ({ type: 'set-request-with-datablock', invokeIdAndPriority: i, datablock })),
  fc.tuple(iip, list(withSelection), list(dlmsData)).map(([i, descriptors, values]): XdlmsApdu => ({ type: 'set-request-with-list', invokeIdAndPriority: i, descriptors, values })),
  fc
    .tuple(iip, list(withSelection), blockSa)
    .map(([i, descriptors, datablock]): XdlmsApdu => ({ type: 'set-request-with-list-and-first-datablock', invokeIdAndPriority: i, descriptors, datablock })),
  fc.tuple(iip, dar).map(([i, result]): XdlmsApdu => ({ type: 'set-response-normal', invokeIdAndPriority: i, result })),
  fc.tuple(iip, u32).map(([i, blockNumber]): XdlmsApdu => ({ type: 'set-response-datablock', invokeIdAndPriority: i, blockNumber })),
  fc.tuple(iip, dar, u32).map(([i, result, blockNumber]): XdlmsApdu => ({ type: 'set-response-last-datablock', invokeIdAndPriority: i, result, blockNumber })),
  fc.tuple(iip, list(dar), u32).map(([i, results, blockNumber]): XdlmsApdu => ({ type: 'set-response-last-datablock-with-list', invokeIdAndPriority: i, results, blockNumber })),
  fc.tuple(iip, list(dar)).map(([i, results]): XdlmsApdu => ({ type: 'set-response-with-list', invokeIdAndPriority: i, results })),
  fc.tuple(iip, method, optional(dlmsData)).map(([i, descriptor, p]): XdlmsApdu => ({ type: 'action-request-normal', invokeIdAndPriority: i, descriptor, ...opt('parameters', p) })),
  fc.tuple(iip, u32).map(([i, blockNumber]): XdlmsApdu => ({ type: 'action-request-next-pblock', invokeIdAndPriority: i, blockNumber })),
  fc.tuple(iip, list(method), list(dlmsData)).map(([i, descriptors, parameters]): XdlmsApdu => ({ type: 'action-request-with-list', invokeIdAndPriority: i, descriptors, parameters })),
  fc.tuple(iip, method, blockSa).map(([i, descriptor, pblock]): XdlmsApdu => ({ type: 'action-request-with-first-pblock', invokeIdAndPriority: i, descriptor, pblock })),
  fc.tuple(iip, list(method), blockSa).map(([i, descriptors, pblock]): XdlmsApdu => ({ type: 'action-request-with-list-and-first-pblock', invokeIdAndPriority: i, descriptors, pblock })),
  fc.tuple(iip, blockSa).map(([i, pblock]): XdlmsApdu => ({ type: 'action-request-with-pblock', invokeIdAndPriority: i, pblock })),
  fc.tuple(iip, actionResponse).map(([i, response]): XdlmsApdu => ({ type: 'action-response-normal', invokeIdAndPriority: i, response })),
  fc.tuple(iip, blockSa).map(([i, pblock]): XdlmsApdu => ({ type: 'action-response-with-pblock', invokeIdAndPriority: i, pblock })),
  fc.tuple(iip, list(actionResponse)).map(([i, responses]): XdlmsApdu => ({ type: 'action-response-with-list', invokeIdAndPriority: i, responses })),
  fc.tuple(iip, u32).map(([i, blockNumber]): XdlmsApdu => ({ type: 'action-response-next-pblock', invokeIdAndPriority: i, blockNumber })),
  fc
    .tuple(u32.map(decodeLongInvokeIdAndPriority), fc.oneof(fc.constant(undefined), fc.uint8Array({ minLength: 1, maxLength: 20 }).filter((b) => b.length !== 9)), dlmsData)
    .map(([l, dateTime, body]): XdlmsApdu => ({ type: 'data-notification', longInvokeIdAndPriority: l, ...opt('dateTime', dateTime), body })),
  fc
    .tuple(u32.map(decodeLongInvokeIdAndPriority), fc.uint8Array({ maxLength: 20 }), dlmsData)
    .map(([l, dateTime, body]): XdlmsApdu => ({ type: 'data-notification', longInvokeIdAndPriority: l, dateTime, dateTimeAsData: true, body })),
  fc.tuple(optional(bytes), attr, dlmsData).map(([time, descriptor, value]): XdlmsApdu => ({ type: 'event-notification-request', ...opt('time', time), descriptor, value })),
  fc.tuple(u8, fc.integer({ min: 0, max: 255 }), u32).map(([s, e, ic]) => decodeXdlmsApdu(Uint8Array.of(0xd8, s, e, ...(e === 6 ? [ic >>> 24, (ic >>> 16) & 255, (ic >>> 8) & 255, ic & 255] : [])))),
  fc.tuple(u8, u8, u8).map(([a, b, c]) => decodeXdlmsApdu(Uint8Array.of(0x0e, a, b, c))),
  gbt,
);

test('property: decode(encode(x)) deep-equals x for generated APDUs of every type', () => {
  fc.assert(
    fc.property(xdlmsApdu, (apdu) => {
      const wire = encodeXdlmsApdu(apdu);
      assert.ok(XDLMS_TAGS.has(wire[0] as number));
      assert.deepEqual(decodeXdlmsApdu(wire), apdu);
    }),
    { numRuns: 2000 },
  );
});

/** Decoding must return a value or throw DlmsError, never anything else. */
function onlyDlmsErrors(input: Uint8Array): void {
  try {
    const apdu = decodeXdlmsApdu(input);
    assert.deepEqual(encodeXdlmsApdu(apdu).length > 0, true);
  } catch (e) {
    if (!(e instanceof DlmsError)) throw e;
  }
}

test('fuzz: random bytes give a value or a DlmsError', () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 120 }), onlyDlmsErrors), { numRuns: 3000 });
  const tags = [...XDLMS_TAGS];
  fc.assert(
    fc.property(fc.constantFrom(...tags), fc.integer({ min: 0, max: 7 }), fc.uint8Array({ maxLength: 120 }), (tag, choice, rest) => {
      onlyDlmsErrors(Uint8Array.of(tag, choice, ...rest));
    }),
    { numRuns: 5000 },
  );
});

test('fuzz: mutated fixtures give a value or a DlmsError', () => {
  const inputs = APDU_FIXTURES.map(([, h]) => u(h));
  fc.assert(
    fc.property(fc.constantFrom(...inputs), fc.array(fc.tuple(fc.nat(), u8), { minLength: 1, maxLength: 4 }), (input, edits) => {
      const copy = Uint8Array.from(input);
      for (const [at, b] of edits) copy[at % copy.length] = b;
      onlyDlmsErrors(copy);
    }),
    { numRuns: 3000 },
  );
});

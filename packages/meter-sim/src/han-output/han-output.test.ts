import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { toOsloIso } from '@openams/core';
import { bytesToHex, decodeHdlcFrame, decodeXdlmsApdu, hexToBytes, stripLlc } from '@openams/dlms';
import type { DlmsData } from '@openams/dlms';
// Tests may import the HAN decoder (sim-common.md): the simulator's frames must decode with it.
import { createHanReader, decodeHanApdu } from '@openams/han';
import type { HanReading } from '@openams/han';
import { ManualClock } from '../clock/index.ts';
import { generateMeterIdentity } from '../fleet-identity/index.ts';
import type { MeterIdentity, MeterPhases, MeterVendor } from '../identity/index.ts';
import { cumulativeRegisters, instantaneous } from '../load/index.ts';
import { HAN_REFERENCE_FRAMES } from '../../test/fixtures/load/han-reference-frames.ts';
import { GOLDEN_FRAMES, GOLDEN_SEED } from '../../test/fixtures/load/golden.ts';
import { HanEmitter, HanOutputError, framesIn, hanFrames, nextHanEmission } from './index.ts';
import type { HanListNumber } from './index.ts';

const VENDORS: readonly MeterVendor[] = ['aidon', 'kaifa', 'kamstrup'];
const PHASES: readonly MeterPhases[] = ['1p', '3p3w', '3p4w'];

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof HanOutputError, String(e));
    return e.code;
  }
  assert.fail('expected a HanOutputError');
}

/**
 * What a reading of `meter`'s list sent at `at` must say, computed from the load model and the
 * vendor's documented resolution (research note han.md §2.3), independently of the frame builder.
 */
function expectedValues(meter: MeterIdentity, at: Date, list: HanListNumber): Map<string, number | string> {
  const v = instantaneous(meter, at);
  const out = new Map<string, number | string>();
  const I = v.currentsMilliampere;
  const U = v.voltagesDecivolt;
  const three = meter.phases !== '1p';
  const hour = new Date(Math.floor(at.getTime() / 3_600_000) * 3_600_000);
  const r = cumulativeRegisters(meter, hour);
  const tens = (x: number) => Math.floor(x / 10) * 10;
  switch (meter.vendor) {
    case 'aidon': {
      out.set('1.0.1.7.0.255', v.activeImportW);
      if (list === 1) break;
      out.set('1.1.0.2.129.255', 'AIDON_V0001').set('0.0.96.1.0.255', meter.serial).set('0.0.96.1.7.255', meter.meterType);
      out.set('1.0.2.7.0.255', v.activeExportW).set('1.0.3.7.0.255', v.reactiveImportVar).set('1.0.4.7.0.255', v.reactiveExportVar);
      out.set('1.0.31.7.0.255', Math.round(I[0]! / 100) / 10).set('1.0.32.7.0.255', U[0]! / 10);
      if (meter.phases === '3p4w') out.set('1.0.51.7.0.255', Math.round(I[1]! / 100) / 10);
      if (three) out.set('1.0.71.7.0.255', Math.round(I[2]! / 100) / 10).set('1.0.52.7.0.255', U[1]! / 10).set('1.0.72.7.0.255', U[2]! / 10);
      if (list === 3) {
        out.set('0.0.1.0.0.255', toOsloIso(hour));
        out.set('1.0.1.8.0.255', tens(r.activeImportWh)).set('1.0.2.8.0.255', tens(r.activeExportWh));
        out.set('1.0.3.8.0.255', tens(r.reactiveImportVarh)).set('1.0.4.8.0.255', tens(r.reactiveExportVarh));
      }
      break;
    }
    case 'kaifa': {
      out.set('1.0.1.7.0.255', v.activeImportW);
      if (list === 1) break;
      out.set('1.1.0.2.129.255', 'KFM_001').set('0.0.96.1.0.255', meter.serial).set('0.0.96.1.7.255', meter.meterType);
      out.set('1.0.2.7.0.255', v.activeExportW).set('1.0.3.7.0.255', v.reactiveImportVar).set('1.0.4.7.0.255', v.reactiveExportVar);
      out.set('1.0.31.7.0.255', I[0]! / 1000).set('1.0.32.7.0.255', U[0]! / 10);
      if (three) {
        out.set('1.0.51.7.0.255', I[1]! / 1000).set('1.0.71.7.0.255', I[2]! / 1000);
        out.set('1.0.52.7.0.255', meter.phases === '3p3w' ? 0 : U[1]! / 10).set('1.0.72.7.0.255', U[2]! / 10);
      }
      if (list === 3) {
        out.set('0.0.1.0.0.255', toOsloIso(at));
        out.set('1.0.1.8.0.255', r.activeImportWh).set('1.0.2.8.0.255', r.activeExportWh);
        out.set('1.0.3.8.0.255', r.reactiveImportVarh).set('1.0.4.8.0.255', r.reactiveExportVarh);
      }
      break;
    }
    case 'kamstrup': {
      out.set('1.1.0.2.129.255', 'Kamstrup_V0001').set('1.1.0.0.5.255', meter.serial).set('1.1.96.1.1.255', meter.meterType);
      out.set('1.1.1.7.0.255', v.activeImportW).set('1.1.2.7.0.255', v.activeExportW);
      out.set('1.1.3.7.0.255', v.reactiveImportVar).set('1.1.4.7.0.255', v.reactiveExportVar);
      out.set('1.1.31.7.0.255', Math.round(I[0]! / 10) / 100).set('1.1.32.7.0.255', Math.round(U[0]! / 10));
      if (three) {
        out.set('1.1.51.7.0.255', Math.round(I[1]! / 10) / 100).set('1.1.71.7.0.255', Math.round(I[2]! / 10) / 100);
        out.set('1.1.52.7.0.255', Math.round(U[1]! / 10)).set('1.1.72.7.0.255', Math.round(U[2]! / 10));
      }
      if (list === 3) {
        out.set('0.1.1.0.0.255', toOsloIso(at));
        out.set('1.1.1.8.0.255', tens(r.activeImportWh)).set('1.1.2.8.0.255', tens(r.activeExportWh));
        out.set('1.1.3.8.0.255', tens(r.reactiveImportVarh)).set('1.1.4.8.0.255', tens(r.reactiveExportVarh));
      }
      break;
    }
  }
  return out;
}

function assertReading(reading: HanReading, meter: MeterIdentity, at: Date, list: HanListNumber): void {
  const what = `${meter.vendor} ${meter.phases} list ${list} at ${at.toISOString()}`;
  assert.equal(reading.vendor, meter.vendor, what);
  assert.equal(reading.list, list, what);
  const expected = expectedValues(meter, at, list);
  assert.deepEqual(Object.keys(reading.obis).sort(), [...expected.keys()].sort(), what);
  for (const [key, want] of expected) {
    const got = reading.obis[key as keyof typeof reading.obis];
    assert.ok(got, `${what}: ${key} missing`);
    if (typeof want === 'string') assert.equal(got.text, want, `${what}: ${key}`);
    else assert.ok(Math.abs((got.value ?? Number.NaN) - want) < 1e-6, `${what}: ${key} = ${String(got.value)}, model says ${want}`);
  }
}

test('every frame the emitter makes, for every vendor × phases × list, decodes to the model’s values', () => {
  let checked = 0;
  const lists = new Set<string>();
  for (const vendor of VENDORS) {
    for (const phases of PHASES) {
      const meter = generateMeterIdentity('han-output', 7, { vendor, phases });
      // A winter evening, a summer noon (PV on prosumers), and a Sunday (Aidon writes Sunday as 0).
      // Each run starts on a 10-second mark: the List 2 there names the vendor, so the reader
      // learns it for the id-less Kaifa List 1 frames that follow (han.md §3).
      for (const start of ['2026-01-15T16:59:40Z', '2026-06-21T10:59:50Z', '2026-03-01T06:59:50Z']) {
        const clock = new ManualClock(new Date(start));
        const emitter = new HanEmitter(meter, clock);
        clock.advance(30_000);
        const emissions = emitter.poll();
        const reader = createHanReader({ now: () => clock.now() });
        for (const e of emissions) {
          const events = reader.push(e.frame, e.at);
          assert.equal(events.length, 1);
          const event = events[0]!;
          assert.equal(event.type, 'reading', event.type === 'error' ? event.error.message : '');
          if (event.type !== 'reading') continue;
          assertReading(event.reading, meter, e.at, e.list);
          lists.add(`${vendor}/${phases}/${e.list}`);
          checked++;
        }
      }
    }
  }
  // 3 vendors × 3 topologies × lists 1–3, minus Kamstrup's missing List 1.
  assert.equal(lists.size, 3 * 3 * 3 - 3);
  assert.ok(checked > 300);
});

test('List 3 counters are the registers at the full hour; the clock says which hour', () => {
  for (const vendor of VENDORS) {
    const meter = generateMeterIdentity('han-l3', 1, { vendor, phases: '3p4w' });
    const at = new Date(`2026-02-10T07:00:${vendor === 'kamstrup' ? '05' : '10'}Z`);
    const apdu = stripLlc(decodeHdlcFrame(hanFrames(meter, at, 3)).information).apdu;
    const reading = decodeHanApdu(apdu, { receivedAt: at });
    const r = cumulativeRegisters(meter, new Date('2026-02-10T07:00:00Z'));
    const key = vendor === 'kamstrup' ? '1.1.1.8.0.255' : '1.0.1.8.0.255';
    const step = vendor === 'kaifa' ? 1 : 10;
    assert.equal(reading.obis[key as keyof typeof reading.obis]?.value, Math.floor(r.activeImportWh / step) * step);
    assert.equal(reading.timestamp, vendor === 'aidon' ? '2026-02-10T08:00:00+01:00' : toOsloIso(at));
  }
});

/**
 * The shape of a data value: containers with their counts, logical names and scaler/unit values
 * exactly, the non-value bytes of 12-byte date-times (hundredths, deviation, status), and only
 * the type and length of everything else.
 */
function skeleton(d: DlmsData): string {
  switch (d.type) {
    case 'array':
    case 'structure':
      return `${d.type}[${d.value.length}](${d.value.map(skeleton).join(',')})`;
    case 'octet-string':
      if (d.value.length === 6) return `LN ${bytesToHex(d.value)}`;
      if (d.value.length === 12) return `date-time …${bytesToHex(d.value.subarray(8))}`;
      return `octet-string[${d.value.length}]`;
    case 'visible-string':
      return `visible-string[${d.value.length}]`;
    case 'integer':
    case 'enum':
      return `${d.type} ${d.value}`;
    default:
      return d.type;
  }
}

test('byte layout matches a published frame of the same vendor and list: header, addresses, tags, OBIS, scalers', () => {
  const at = new Date('2026-11-25T14:00:10Z');
  for (const ref of HAN_REFERENCE_FRAMES) {
    for (const phases of ref.phases) {
      const meter = generateMeterIdentity('layout', 3, { vendor: ref.vendor, phases });
      const ours = hanFrames(meter, ref.vendor === 'kamstrup' && ref.list === 3 ? new Date('2026-11-25T14:00:05Z') : at, ref.list);
      const theirs = hexToBytes(ref.frame);
      const what = `${ref.id} vs ${ref.vendor} ${phases} list ${ref.list}`;
      const ourFrame = decodeHdlcFrame(ours);
      let theirInfo = theirs;
      if (ref.framing === 'hdlc') {
        const theirFrame = decodeHdlcFrame(theirs);
        assert.deepEqual(
          { destination: ourFrame.destination, source: ourFrame.source, control: ourFrame.control, segmented: ourFrame.segmented },
          { destination: theirFrame.destination, source: theirFrame.source, control: theirFrame.control, segmented: theirFrame.segmented },
          what,
        );
        // The header bytes themselves: flag, frame type 0xA, addresses, control.
        const headerLength = ours.indexOf(0xe6) - 2;
        assert.equal(bytesToHex(ours.subarray(3, headerLength)), bytesToHex(theirs.subarray(3, headerLength)), what);
        assert.equal(ours[1]! >> 4, theirs[1]! >> 4);
        theirInfo = theirFrame.information;
      }
      assert.equal(bytesToHex(ourFrame.information.subarray(0, 3)), bytesToHex(theirInfo.subarray(0, 3)), `${what}: LLC`);
      const a = decodeXdlmsApdu(stripLlc(ourFrame.information).apdu);
      const b = decodeXdlmsApdu(stripLlc(theirInfo).apdu);
      assert.ok(a.type === 'data-notification' && b.type === 'data-notification');
      assert.deepEqual(a.longInvokeIdAndPriority, b.longInvokeIdAndPriority, what);
      assert.equal(a.dateTimeAsData, b.dateTimeAsData, what);
      assert.equal(a.dateTime?.length, b.dateTime?.length, what);
      if (a.dateTime && b.dateTime) assert.equal(bytesToHex(a.dateTime.subarray(8)), bytesToHex(b.dateTime.subarray(8)), `${what}: date-time hundredths/deviation/status`);
      assert.equal(skeleton(a.body), skeleton(b.body), what);
    }
  }
});

test('the reference frames are verbatim copies of the han package’s published fixtures', () => {
  const text = ['aidon', 'kaifa', 'kamstrup']
    .map((v) => readFileSync(new URL(`../../../han/test/fixtures/frames/${v}.ts`, import.meta.url), 'utf8'))
    .join('\n')
    .replace(/'\s*\+\s*'/g, '');
  for (const ref of HAN_REFERENCE_FRAMES) {
    assert.ok(text.includes(`id: '${ref.id}'`), ref.id);
    assert.ok(text.includes(`'${ref.frame}'`), `${ref.id}: frame bytes differ from the han fixture`);
  }
});

test('cadence: Aidon every 2.5 s, Kaifa every 2 s (List 2 on the 10 s marks), Kamstrup every 10 s; List 3 at XX:00:10 / XX:00:05', () => {
  const hour = Date.parse('2026-04-01T09:00:00Z');
  const minute = (vendor: MeterVendor) => {
    const lists: HanListNumber[] = [];
    const times: number[] = [];
    for (let t = hour - 1; ; ) {
      const n = nextHanEmission(vendor, t);
      if (n.atMs >= hour + 60_000) break;
      lists.push(n.list);
      times.push((n.atMs - hour) / 1000);
      t = n.atMs;
    }
    return { lists, times };
  };
  const aidon = minute('aidon');
  assert.equal(aidon.lists.length, 24);
  assert.deepEqual(aidon.times.slice(0, 6), [0, 2.5, 5, 7.5, 10, 12.5]);
  assert.deepEqual(aidon.lists.slice(0, 6), [2, 1, 1, 1, 3, 1]);
  assert.equal(aidon.lists.filter((l) => l === 2).length, 5);
  const kaifa = minute('kaifa');
  assert.equal(kaifa.lists.length, 30);
  assert.deepEqual(kaifa.lists.slice(0, 6), [2, 1, 1, 1, 1, 3]);
  const kamstrup = minute('kamstrup');
  assert.deepEqual(kamstrup.times, [0, 5, 10, 20, 30, 40, 50]);
  assert.deepEqual(kamstrup.lists, [2, 3, 2, 2, 2, 2, 2]);
  assert.equal(framesIn('kamstrup', hour - 1, hour + 60_000 - 1), 7);
  assert.equal(framesIn('aidon', hour - 1, hour + 60_000 - 1), 24);
});

test('emitter: polls hand out each frame once, in order; a jump past the backlog drops the oldest', () => {
  const meter = generateMeterIdentity('emitter', 2, { vendor: 'kaifa', phases: '3p3w' });
  const clock = new ManualClock(new Date('2026-05-05T12:00:00Z'));
  const emitter = new HanEmitter(meter, clock, { maxBacklog: 50 });
  assert.deepEqual(emitter.nextDue(), { at: new Date('2026-05-05T12:00:00Z'), list: 2 });
  const first = emitter.poll();
  assert.equal(first.length, 1, 'the frame due at the start instant');
  clock.advance(7_000);
  const next = emitter.poll();
  assert.deepEqual(next.map((e) => e.at.toISOString().slice(17, 19)), ['02', '04', '06']);
  assert.deepEqual(emitter.poll(), []);
  clock.advance(3_600_000);
  const burst = emitter.poll();
  assert.equal(burst.length, 50);
  assert.equal(emitter.dropped, 1800 - 50 + 1 - 1);
  assert.equal(burst[burst.length - 1]!.at.getTime(), clock.now().getTime() - (clock.now().getTime() % 2000));
  assert.equal(code(() => new HanEmitter(meter, clock, { maxBacklog: 0 })), 'INVALID_OPTION');
});

test('errors: Kamstrup sends no List 1; only lists 1–3 exist', () => {
  const kam = generateMeterIdentity('err', 0, { vendor: 'kamstrup' });
  assert.equal(code(() => hanFrames(kam, new Date('2026-01-01T00:00:00Z'), 1)), 'LIST_NOT_SENT');
  assert.equal(code(() => hanFrames(kam, new Date('2026-01-01T00:00:00Z'), 4 as HanListNumber)), 'INVALID_LIST');
});

test('property: any meter, instant and list gives a frame the HAN decoder reads as that vendor and list', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 100_000 }),
      fc.integer({ min: Date.UTC(2021, 0, 1) / 1000, max: Date.UTC(2029, 0, 1) / 1000 }),
      fc.constantFrom<HanListNumber>(1, 2, 3),
      (index, seconds, list) => {
        const meter = generateMeterIdentity('han-prop', index);
        fc.pre(!(meter.vendor === 'kamstrup' && list === 1));
        const at = new Date(seconds * 1000);
        const apdu = stripLlc(decodeHdlcFrame(hanFrames(meter, at, list)).information).apdu;
        const reading = decodeHanApdu(apdu, { receivedAt: at, vendor: meter.vendor });
        assertReading(reading, meter, at, list);
      },
    ),
    { numRuns: 150 },
  );
});

test('golden: the same meter, instant and list give the same bytes', () => {
  for (const g of GOLDEN_FRAMES) {
    const m = generateMeterIdentity(GOLDEN_SEED, 100, { vendor: g.vendor, phases: g.phases });
    assert.equal(bytesToHex(hanFrames(m, new Date(g.at), g.list)), g.frame);
  }
});

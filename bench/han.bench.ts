/**
 * `npm run bench -- han`: HAN frames per second through the whole reader (deframe, check HCS/FCS,
 * decode the DLMS push, normalise to SI units with an Oslo timestamp) for real List 2 and List 3
 * frames of each Norwegian vendor, against a baseline of only the CRC-16/X.25 check over the same
 * bytes in the same run (the least any reader must do). The ratio is reader rate / CRC rate; the
 * last line is JSON with the List 2 and List 3 figures.
 */
import { crc16x25, hexToBytes } from '../packages/dlms/src/index.ts';
import { createHanReader } from '../packages/han/src/index.ts';
import { ALL_FRAMES } from '../packages/han/test/fixtures/frames/index.ts';
import { compareRates } from './measure.ts';

/** One published HDLC frame per vendor for a list (3-phase Norwegian meters). */
function framesOf(list: 2 | 3): Uint8Array[] {
  const ids =
    list === 2
      ? ['aidon-no-l2-3p4w-hass', 'kaifa-no-l2-3p3w-hass', 'kamstrup-no-l2-3p-amsreader-em001-2']
      : ['aidon-no-l3-3p4w-hass', 'kaifa-no-l3-3p3w-hass', 'kamstrup-no-l3-3p-amsreader-em001-1'];
  return ids.map((id) => {
    const f = ALL_FRAMES.find((x) => x.id === id);
    if (!f || f.framing !== 'hdlc') throw new Error(`bench fixture ${id} is missing or not an HDLC frame`);
    return hexToBytes(f.frame);
  });
}

function measure(list: 2 | 3) {
  const frames = framesOf(list);
  const reader = createHanReader({ now: () => new Date('2026-11-25T13:00:10Z') });
  // Sanity: every frame gives one reading of the right list.
  for (const f of frames) {
    const events = reader.push(f);
    if (events.length !== 1 || events[0]?.type !== 'reading' || events[0].reading.list !== list) throw new Error(`List ${list} bench frame does not decode`);
  }
  let i = 0;
  const candidate = () => reader.push(frames[i++ % frames.length] as Uint8Array);
  let j = 0;
  const baseline = () => {
    const f = frames[j++ % frames.length] as Uint8Array;
    return crc16x25(f, 1, f.length - 1);
  };
  return { bytes: Math.round(frames.reduce((n, f) => n + f.length, 0) / frames.length), ...compareRates(candidate, baseline) };
}

export function run(): void {
  const l2 = measure(2);
  const l3 = measure(3);
  for (const [name, r] of [['List 2', l2], ['List 3', l3]] as const) {
    console.log(`${name}  ~${r.bytes} B/frame  reader ${r.candidate.rate.toFixed(0).padStart(7)} frames/s  CRC only ${r.baseline.rate.toFixed(0).padStart(8)} frames/s  ratio ${r.ratio.toFixed(3)}`);
  }
  console.log(
    JSON.stringify({
      bench: 'han',
      list2: { rate: Math.round(l2.candidate.rate), baseline: Math.round(l2.baseline.rate), ratio: Number(l2.ratio.toFixed(4)) },
      list3: { rate: Math.round(l3.candidate.rate), baseline: Math.round(l3.baseline.rate), ratio: Number(l3.ratio.toFixed(4)) },
      rate: Math.round(l2.candidate.rate),
      baseline: Math.round(l2.baseline.rate),
      ratio: Number(l2.ratio.toFixed(4)),
    }),
  );
}

/**
 * `npm run bench -- sim`: what one process of the virtual fleet serves, and what it costs.
 *
 * - Sessions per second over real TCP loopback, the head-end in a worker thread of the same
 *   process: connect, AARQ with HLS5-GMAC (passes 3 and 4), GET one Oslo day of the PT15M
 *   profile (96 entries, selective access by range), RLRQ, close, against meters of a
 *   10,000-meter fleet reached through the gateway header. Eight sessions run at once.
 * - Baseline, in alternating rounds of the same run: the same bytes over bare TCP. One real
 *   session is recorded frame by frame; a server that answers the k-th request with the k-th
 *   recorded answer (an echo of the script, no DLMS, no crypto) and a client that sends the
 *   recorded requests and waits for each answer run the same connections and round trips.
 *   ratio = sessions/s ÷ baseline sessions/s.
 * - Memory per 100,000 meters: an idle fleet of 100,000 (directory and core columns), plus each
 *   meter's core after it served one HLS5 session and was put back (measured on a sample and
 *   scaled), plus what a meter costs while it is made (live).
 *
 * Quick mode (BENCH_QUICK=1, bench.test.ts): short rounds, 20,000-meter memory fleet, scaled.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createServer } from 'node:net';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import type { AddressInfo, Socket } from 'node:net';
import { CLOCK_CAPTURE_OBJECT, attributeDescriptor, cosemDateTimeFromDate, encodeCosemDateTime, hexToBytes, rangeDescriptor } from '../packages/dlms/src/index.ts';
import { DlmsClient, InMemoryInvocationCounterStore, WrapperTransport, connectTcp, inMemoryTransportPair } from '../packages/dlms-session/src/index.ts';
import { ManualClock } from '../packages/meter-sim/src/clock/index.ts';
import { NO_FAULTS } from '../packages/meter-sim/src/faults/index.ts';
import { Fleet, GatewayClientTransport, listenWrapper } from '../packages/meter-sim/src/fleet/index.ts';
import { clearLoadCaches } from '../packages/meter-sim/src/load/index.ts';

const QUICK = process.env.BENCH_QUICK === '1';
const NOW = new Date('2026-11-25T12:00:00Z');
const HES = hexToBytes('4F414D0000000001');
const PT15M = attributeDescriptor(7, '1-0:99.2.0.255', 2);
const DAY_START = Date.parse('2026-11-23T23:00:00Z');
const dt = (ms: number) => ({ type: 'octet-string' as const, value: encodeCosemDateTime(cosemDateTimeFromDate(new Date(ms), { deviation: -60 })) });
const ONE_DAY = rangeDescriptor({ restrictingObject: CLOCK_CAPTURE_OBJECT, from: dt(DAY_START + 900_000), to: dt(DAY_START + 86_400_000) });

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
function heap(): number {
  gc();
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

/**
 * Sessions per second of `session` with `concurrency` at once for `ms`. Session `k` of worker
 * `w` gets number `k × concurrency + w`, so no two workers ever talk to the same meter at once
 * (a head-end never holds two associations with one meter).
 */
async function rate(session: (n: number) => Promise<void>, concurrency: number, ms: number): Promise<number> {
  let done = 0;
  const start = performance.now();
  const deadline = start + ms;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, w) => {
      for (let k = 0; performance.now() < deadline; k++) {
        await session(k * concurrency + w);
        done++;
      }
    }),
  );
  return (done / (performance.now() - start)) * 1000;
}

/** One recorded session: the bytes of each request and of each answer, in order. */
interface Script {
  readonly requests: Buffer[];
  readonly answers: Buffer[];
}

/** A meter as the head-end's registry knows it (what the manifest gives). */
interface MeterRef {
  readonly index: number;
  readonly title: Uint8Array;
  readonly ek: Uint8Array;
  readonly ak: Uint8Array;
}

function meterRef(fleet: Fleet, index: number): MeterRef {
  const id = fleet.identity(index);
  return { index, title: id.systemTitle, ek: id.keys.encryptionKey, ak: id.keys.authenticationKey };
}

async function dlmsSession(port: number, m: MeterRef, counters: Map<number, InMemoryInvocationCounterStore>, record?: Script): Promise<void> {
  const socket = await connectTcp('127.0.0.1', port);
  if (record) {
    socket.on('data', (b: Buffer) => record.answers.push(Buffer.from(b)));
    const write = socket.write.bind(socket) as (b: Uint8Array, cb?: (e?: Error | null) => void) => boolean;
    socket.write = ((b: Uint8Array, cb?: (e?: Error | null) => void) => (record.requests.push(Buffer.from(b)), write(b, cb))) as typeof socket.write;
  }
  let counter = counters.get(m.index);
  if (counter === undefined) counters.set(m.index, (counter = new InMemoryInvocationCounterStore(1)));
  const client = new DlmsClient({
    transport: new GatewayClientTransport(new WrapperTransport(socket, { role: 'client', clientSap: 1, serverSap: 1 }), m.title),
    requestTimeoutMs: 10_000,
    authentication: { mechanism: 'high-gmac' },
    security: { systemTitle: HES, serverSystemTitle: m.title, keys: { encryptionKey: m.ek, authenticationKey: m.ak }, invocationCounter: counter },
  });
  await client.associate();
  const profile = await client.get(PT15M, ONE_DAY);
  if (!profile.ok || profile.value.type !== 'array' || profile.value.value.length !== 96) throw new Error('the profile read failed');
  await client.release();
  await client.close();
}

/** The bare-TCP baseline: the recorded script, answered by a server that knows it. */
async function scriptServer(script: Script): Promise<{ port: number; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.setNoDelay(true);
    socket.on('close', () => sockets.delete(socket));
    let k = 0;
    let pending = 0;
    socket.on('data', (b: Buffer) => {
      pending += b.length;
      while (k < script.requests.length && pending >= (script.requests[k] as Buffer).length) {
        pending -= (script.requests[k] as Buffer).length;
        socket.write(script.answers[k] as Buffer);
        k++;
      }
    });
    socket.on('error', () => socket.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

async function bareSession(port: number, script: Script): Promise<void> {
  const socket = await connectTcp('127.0.0.1', port);
  let received = 0;
  let wanted = 0;
  let wake: (() => void) | undefined;
  socket.on('data', (b: Buffer) => {
    received += b.length;
    if (received >= wanted) wake?.();
  });
  for (let k = 0; k < script.requests.length; k++) {
    wanted += (script.answers[k] as Buffer).length;
    const arrived = new Promise<void>((resolve) => (wake = resolve));
    socket.write(script.requests[k] as Buffer);
    if (received < wanted) await arrived;
  }
  await new Promise<void>((resolve) => socket.end(resolve));
  socket.destroy();
}

/** Pair requests and answers of a recorded session: one request write, then the answer bytes until the next write. */
function pairScript(raw: Script, answerSizes: readonly number[]): Script {
  const all = Buffer.concat(raw.answers);
  const answers: Buffer[] = [];
  let at = 0;
  for (const size of answerSizes) {
    answers.push(all.subarray(at, at + size));
    at += size;
  }
  return { requests: raw.requests, answers };
}

/** Sizes of consecutive wrapper frames in `bytes` (8-byte header, length in bytes 6–7). */
function frameSizes(bytes: Buffer): number[] {
  const sizes: number[] = [];
  for (let at = 0; at < bytes.length; ) {
    const size = 8 + bytes.readUInt16BE(at + 6);
    sizes.push(size);
    at += size;
  }
  return sizes;
}

/** What the head-end worker gets: where to dial, the meters, the recorded script. */
interface ClientSetup {
  readonly simBenchClient: true;
  readonly port: number;
  readonly barePort: number;
  readonly script: Script;
  readonly working: readonly MeterRef[];
  readonly cold: readonly MeterRef[];
}

type ClientRequest = { readonly kind: 'warm' } | { readonly kind: 'rate'; readonly mode: 'dlms' | 'bare' | 'cold'; readonly ms: number };

const CONCURRENCY = 8;

/**
 * The head-end side, in a worker thread: the fleet's process serves, the worker's thread dials,
 * so the rate is what the server side sustains, not server and client sharing one thread.
 */
function clientWorker(setup: ClientSetup): void {
  const counters = new Map<number, InMemoryInvocationCounterStore>();
  const port = parentPort;
  if (port === null) return;
  port.on('message', (request: ClientRequest) => {
    void (async () => {
      if (request.kind === 'warm') {
        let cursor = 0;
        await Promise.all(
          Array.from({ length: CONCURRENCY }, async () => {
            while (cursor < setup.working.length) await dlmsSession(setup.port, setup.working[cursor++] as MeterRef, counters);
          }),
        );
        port.postMessage(0);
        return;
      }
      const session =
        request.mode === 'bare'
          ? () => bareSession(setup.barePort, setup.script)
          : request.mode === 'cold'
            ? (n: number) => dlmsSession(setup.port, setup.cold[n % setup.cold.length] as MeterRef, counters)
            : (n: number) => dlmsSession(setup.port, setup.working[n % setup.working.length] as MeterRef, counters);
      port.postMessage(await rate(session, CONCURRENCY, request.ms));
    })();
  });
}

if (!isMainThread && (workerData as Partial<ClientSetup> | undefined)?.simBenchClient === true) clientWorker(workerData as ClientSetup);

async function sessions(): Promise<{ candidate: number; baseline: number; cold: number; bytes: number; roundTrips: number }> {
  const fleet = await Fleet.create({ seed: 'bench-sim', meters: 10_000, clock: new ManualClock(NOW), faults: NO_FAULTS, idleMs: 0 });
  const listener = await listenWrapper(fleet, { port: 0 });
  // One session recorded byte for byte, for the baseline.
  const raw: Script = { requests: [], answers: [] };
  await dlmsSession(listener.port, meterRef(fleet, 9999), new Map(), raw);
  const script = pairScript(raw, frameSizes(Buffer.concat(raw.answers)));
  const bytes = [...script.requests, ...script.answers].reduce((n, b) => n + b.length, 0);
  const bare = await scriptServer(script);
  // A working set read in turn, each session a different meter. A meter's first read since the
  // fleet started is slower (the load model sums its registers from its installation day, then
  // keeps a checkpoint): the working set is read once before the rounds, and the cold rate is
  // measured apart on meters never read.
  const working = Array.from({ length: QUICK ? 16 : 1000 }, (_, i) => meterRef(fleet, i));
  const cold = Array.from({ length: QUICK ? 64 : 2000 }, (_, i) => meterRef(fleet, 5000 + i));
  const setup: ClientSetup = { simBenchClient: true, port: listener.port, barePort: bare.port, script, working, cold };
  // tsx's loader hooks do not reach worker threads on Node 20: register them first, then load this file.
  const entry = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(import.meta.url)}); });`;
  const worker = new Worker(entry, { eval: true, workerData: setup });
  let failed: ((e: unknown) => void) | undefined;
  worker.on('error', (e) => failed?.(e));
  const ask = (request: ClientRequest): Promise<number> =>
    new Promise((resolve, reject) => {
      failed = reject;
      worker.once('message', (r: number) => resolve(r));
      worker.postMessage(request);
    });
  const rounds = QUICK ? 1 : 7;
  const ms = QUICK ? 100 : 1500;
  try {
    await ask({ kind: 'warm' });
    await ask({ kind: 'rate', mode: 'dlms', ms: QUICK ? 50 : 500 });
    await ask({ kind: 'rate', mode: 'bare', ms: QUICK ? 50 : 500 });
    const c: number[] = [];
    const b: number[] = [];
    for (let i = 0; i < rounds; i++) {
      c.push(await ask({ kind: 'rate', mode: 'dlms', ms }));
      b.push(await ask({ kind: 'rate', mode: 'bare', ms }));
    }
    const coldRate = await ask({ kind: 'rate', mode: 'cold', ms: QUICK ? 50 : 1500 });
    return { candidate: median(c), baseline: median(b), cold: coldRate, bytes, roundTrips: script.requests.length };
  } finally {
    await worker.terminate();
    await bare.close();
    await listener.close();
    fleet.close();
  }
}

async function memory(): Promise<{ idlePerMeter: number; corePerMeter: number; livePerMeter: number; startMs: number; meters: number }> {
  const meters = QUICK ? 20_000 : 100_000;
  const base = heap();
  const t = performance.now();
  const fleet = await Fleet.create({ seed: 'bench-sim-memory', meters, clock: new ManualClock(NOW), faults: NO_FAULTS, idleMs: 0, maxLive: meters });
  const startMs = performance.now() - t;
  const idle = heap() - base;
  // One HLS5 session on a sample of meters, in memory (the TCP front adds nothing per meter).
  const session = async (index: number): Promise<void> => {
    const id = fleet.identity(index);
    const { client: link, server } = inMemoryTransportPair({ clientSap: 1 });
    const served = fleet.serve(index, server);
    const client = new DlmsClient({
      transport: link,
      authentication: { mechanism: 'high-gmac' },
      security: { systemTitle: HES, serverSystemTitle: id.systemTitle, keys: id.keys, invocationCounter: new InMemoryInvocationCounterStore(1) },
    });
    await client.associate();
    // The clock: what a session leaves in the meter's state is the same whatever it reads.
    await client.get(attributeDescriptor(8, '0-0:1.0.0.255', 2));
    await client.release();
    await client.close();
    await served;
  };
  const sample = QUICK ? 100 : 5000;
  const step = Math.floor(meters / sample);
  // Two batches to warm up code and shared objects (the first sessions of a process leave far
  // more behind than later ones), then the measured batch.
  for (const offset of QUICK ? [1] : [1, 2]) {
    for (let i = 0; i < sample; i++) await session(i * step + offset);
    fleet.evictIdle(0);
  }
  clearLoadCaches();
  const beforeCores = heap();
  for (let i = 0; i < sample; i++) await session(i * step);
  // Live: every sampled meter made at once (identity, state, load parameters).
  clearLoadCaches();
  const liveHeap = heap();
  fleet.evictIdle(0);
  clearLoadCaches();
  const coresHeap = heap();
  fleet.close();
  return {
    idlePerMeter: idle / meters,
    corePerMeter: (coresHeap - beforeCores) / sample,
    livePerMeter: (liveHeap - beforeCores) / sample,
    startMs: (startMs * 100_000) / meters,
    meters,
  };
}

export async function run(): Promise<void> {
  const s = await sessions();
  const m = await memory();
  // A core measured below zero is GC noise around nothing: count it as nothing.
  const bytesPerMeter = m.idlePerMeter + Math.max(0, m.corePerMeter);
  console.log(`sessions (HLS5 + one day of PT15M + RLRQ over TCP, ${s.roundTrips} round trips, ${s.bytes} bytes): ${s.candidate.toFixed(0)}/s`);
  console.log(`same bytes over bare TCP (scripted echo): ${s.baseline.toFixed(0)}/s   ratio ${(s.candidate / s.baseline).toFixed(3)}`);
  console.log(`first session of a meter since the fleet started (cold load model): ${s.cold.toFixed(0)}/s`);
  console.log(
    `memory per meter: idle ${m.idlePerMeter.toFixed(1)} B, core after one session ${m.corePerMeter.toFixed(1)} B, while made (live) ${m.livePerMeter.toFixed(0)} B` +
      ` (measured on ${m.meters} meters${QUICK ? ', quick' : ''})`,
  );
  console.log(
    `100,000 meters: ${((bytesPerMeter * 100_000) / 2 ** 20).toFixed(1)} MiB idle after one session each; ${((m.livePerMeter * 100_000) / 2 ** 20).toFixed(0)} MiB if all were made at once; start ${(m.startMs / 1000).toFixed(2)} s`,
  );
  console.log(
    JSON.stringify({
      bench: 'sim',
      sessionsPerSecond: Math.round(s.candidate),
      baselinePerSecond: Math.round(s.baseline),
      coldSessionsPerSecond: Math.round(s.cold),
      ratio: Number((s.candidate / s.baseline).toFixed(3)),
      bytesPerMeter: Math.round(bytesPerMeter),
      livePerMeter: Math.round(m.livePerMeter),
      sessionBytes: s.bytes,
      startSecondsPer100k: Number((m.startMs / 1000).toFixed(2)),
    }),
  );
}

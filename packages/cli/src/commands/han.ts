import { appendFileSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createHanReader, isHanError } from '@openams/han';
import type { HanVendor } from '@openams/han';
import {
  HanDerivedValues,
  HanLive,
  HanMqttPublisher,
  checkCaptureConformance,
  describeLine,
  formatCaptureLine,
  formatLiveLine,
  formatReadingLine,
  maskUrl,
  parseCapture,
  parseHexText,
  readingToJson,
} from '@openams/han/io';
import type { CaptureConformance, HanCaptureChunk, HanEvent, HanParity, HanReaderLike, HanReaderOptions, HanReaderStats, MeterPhases } from '@openams/han/io';
import type { CliCommand, CliIo } from '../cli-io.ts';
import { EXIT } from '../cli-io.ts';
import { CliError } from '../cli-error.ts';

const USAGE = [
  'openams han decode (--hex <hex> | --file <capture>) [--ek <hex> --ak <hex>] [--vendor <v>] [--json]',
  'openams han read --serial <device> [--baud 2400] [--parity even|none|odd] [--vendor <v>] [--ek <hex> --ak <hex>] [--mqtt <url> [--topic <prefix>]] [--json] [--record <file>]',
  'openams han conformance --file <capture> --vendor <v> [--phases 1P|3P3W|3P4W] [--ek <hex> --ak <hex>] [--json]',
];

const HELP = `${USAGE.map((u) => `  ${u}`).join('\n')}

Vendors: aidon, kaifa, kamstrup, generic. A Kaifa List 1 frame carries no id, so --vendor kaifa
lets it decode before the first List 2.

decode   One JSON object per frame per line with --json:
         {"vendor","list","meterId","meterType","timestamp","obis":{"1.0.1.7.0.255":{"value","unit"}}}
         else one readable line per frame. Errors go to stderr with their code; exit 1 if no frame
         decoded.
read     Live reading from an M-Bus adapter: 2400 baud; parity even (8E1, Aidon and Kaifa) or none
         (8N1, Kamstrup); the default follows --vendor, else even. Prints a line per frame (P, I and
         U per phase, the hour so far, the capacity-tariff step). --mqtt publishes readings,
         derived values and Home Assistant discovery (--discovery-prefix, default homeassistant;
         --no-discovery; --per-value adds one topic per value; --steps 2,5,10,… sets the
         capacity-tariff step table in kW). --record appends what arrives in the timestamped
         capture format. Ctrl-C stops.
conformance  The grid company's check of a meter's HAN output: list cadence, required OBIS codes
         per list, clock, units and magnitudes, meter id, counters. Prints PASS/FAIL/N/A per rule
         (--json: the whole report); exit 1 if any rule fails. Cadence and clock rules need
         receive times: use a timestamped capture (read --record writes one); on a raw or hex
         capture frames are timed by the meter clock and rules that cannot be answered are SKIP.

Capture formats (--file), told apart by content:
  raw binary    the bytes as they came off the line (cat /dev/ttyUSB0, ser2net/socat logs); no
                receive times, so cadence rules use the meter clock only
  hex text      hex digits, any whitespace, # comments (frames as pasted into issues)
  timestamped   one chunk per line: <ISO 8601 instant with offset> <hex>, e.g.
                2026-11-25T14:00:10.120+01:00 7EA0...7E   (what --record writes)

Keys (--ek, --ak: 16 bytes of hex each) are never printed.`;

const VENDORS: readonly HanVendor[] = ['aidon', 'kaifa', 'kamstrup', 'generic'];
const PARITIES: readonly HanParity[] = ['even', 'none', 'odd'];

/** What the command needs from `@openams/han`, replaceable in tests. */
export interface HanCommandDeps {
  createReader(options: HanReaderOptions): HanReaderLike;
}

/** The real reader: the deframer and the vendor decoders of `@openams/han` behind one `push()`. */
const defaultDeps = (): HanCommandDeps => ({ createReader: createHanReader });

function keyFlag(values: Record<string, unknown>, name: 'ek' | 'ak'): Uint8Array | undefined {
  const v = values[name];
  if (v === undefined) return undefined;
  const text = typeof v === 'string' ? v.trim().replace(/^0x/i, '').replace(/[\s:-]/g, '') : '';
  // The value itself never goes into a message: it is a secret.
  if (!/^[0-9a-fA-F]{32}$/.test(text)) throw new CliError(`--${name} must be 16 bytes of hex (32 digits); the value given is not shown`);
  return Uint8Array.from(Buffer.from(text, 'hex'));
}

function vendorFlag(values: Record<string, unknown>, required = false): HanVendor | undefined {
  const v = values['vendor'];
  if (v === undefined) {
    if (required) throw new CliError('--vendor is required (aidon, kaifa, kamstrup or generic)');
    return undefined;
  }
  if (typeof v !== 'string' || !(VENDORS as readonly string[]).includes(v)) throw new CliError(`--vendor must be one of ${VENDORS.join(', ')}`);
  return v as HanVendor;
}

function readerOptions(values: Record<string, unknown>): HanReaderOptions {
  const encryptionKey = keyFlag(values, 'ek');
  const authenticationKey = keyFlag(values, 'ak');
  if (authenticationKey && !encryptionKey) throw new CliError('--ak needs --ek as well');
  const vendor = vendorFlag(values);
  return {
    ...(encryptionKey ? { encryptionKey } : {}),
    ...(authenticationKey ? { authenticationKey } : {}),
    ...(vendor ? { vendor } : {}),
  };
}

function errorLine(n: number, event: Extract<HanEvent, { type: 'error' }>): string {
  const dropped = event.droppedBytes > 0 ? ` (${event.droppedBytes} bytes dropped)` : '';
  return `frame ${n}: ${event.error.code}: ${event.error.message}${dropped}`;
}

function loadCapture(values: Record<string, unknown>): readonly HanCaptureChunk[] {
  const hex = values['hex'];
  const file = values['file'];
  if ((hex === undefined) === (file === undefined)) throw new CliError('give exactly one of --hex and --file');
  if (typeof hex === 'string') return [{ bytes: parseHexText(hex) }];
  return parseCapture(readCapture(file as string)).chunks;
}

function readCapture(file: string): Uint8Array {
  try {
    return readFileSync(file);
  } catch (e) {
    throw new CliError(`cannot read ${file}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

function decodeCmd(argv: readonly string[], io: CliIo, deps: HanCommandDeps): number {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      hex: { type: 'string' },
      file: { type: 'string' },
      ek: { type: 'string' },
      ak: { type: 'string' },
      vendor: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const options = readerOptions(values);
  const chunks = loadCapture(values);
  const reader = deps.createReader(options);
  let n = 0;
  let readings = 0;
  const emit = (events: readonly HanEvent[]): void => {
    for (const event of events) {
      n++;
      if (event.type === 'reading') {
        readings++;
        io.stdout.write((values.json ? JSON.stringify(readingToJson(event.reading)) : formatReadingLine(event.reading)) + '\n');
      } else {
        io.stderr.write(errorLine(n, event) + '\n');
      }
    }
  };
  for (const c of chunks) emit(reader.push(c.bytes, c.receivedAt));
  emit(reader.flush());
  if (readings === 0) {
    io.stderr.write(n === 0 ? 'no frame found in the input\n' : 'no frame decoded\n');
    return EXIT.refused;
  }
  return EXIT.ok;
}

function statsLine(s: HanReaderStats): string {
  const errs = Object.entries(s.errors)
    .filter(([, v]) => v > 0)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  return `${s.frames} frames, ${s.readings} readings, ${s.bytesDropped} bytes dropped${errs ? `, errors: ${errs}` : ''}`;
}

function stepsFlag(text: string | undefined): { fromKw: number; toKw: number | null }[] | undefined {
  if (text === undefined) return undefined;
  const bounds = text.split(',').map((s) => Number(s.trim()));
  if (bounds.length === 0 || bounds.some((b, i) => !Number.isFinite(b) || b <= 0 || (i > 0 && b <= (bounds[i - 1] as number)))) {
    throw new CliError('--steps takes increasing upper bounds in kW, e.g. 2,5,10,15,20,25,50,75,100');
  }
  return [...bounds.map((to, i) => ({ fromKw: i === 0 ? 0 : (bounds[i - 1] as number), toKw: to })), { fromKw: bounds.at(-1) as number, toKw: null }];
}

/** Options `openams han read` takes beyond argv: how it is stopped. */
export interface HanReadControl {
  /** Aborting stops the reader (the command wires SIGINT/SIGTERM to it). */
  readonly signal: AbortSignal;
}

/** `openams han read`, stoppable through `control.signal`. Resolves with the exit code. */
export async function runHanRead(argv: readonly string[], io: CliIo, control: HanReadControl, deps: HanCommandDeps = defaultDeps()): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      serial: { type: 'string' },
      baud: { type: 'string', default: '2400' },
      parity: { type: 'string' },
      vendor: { type: 'string' },
      ek: { type: 'string' },
      ak: { type: 'string' },
      mqtt: { type: 'string' },
      topic: { type: 'string', default: 'openams/han' },
      'discovery-prefix': { type: 'string', default: 'homeassistant' },
      'no-discovery': { type: 'boolean', default: false },
      'per-value': { type: 'boolean', default: false },
      steps: { type: 'string' },
      json: { type: 'boolean', default: false },
      record: { type: 'string' },
    },
    strict: true,
  });
  const path = values.serial;
  if (!path) throw new CliError('--serial is required (e.g. /dev/ttyUSB0)');
  const baudRate = Number(values.baud);
  if (!Number.isInteger(baudRate) || baudRate < 300 || baudRate > 921_600) throw new CliError('--baud must be a whole number, e.g. 2400');
  if (values.parity !== undefined && !(PARITIES as readonly string[]).includes(values.parity)) throw new CliError('--parity must be even, none or odd');
  const options = readerOptions(values);
  const steps = stepsFlag(values.steps);
  const reader = deps.createReader(options);
  let lastMqttError: string | undefined;
  const mqtt = values.mqtt
    ? new HanMqttPublisher({
        url: values.mqtt,
        prefix: values.topic,
        discoveryPrefix: values['discovery-prefix'],
        discovery: !values['no-discovery'],
        perValueTopics: values['per-value'],
        onEvent: (e) => {
          if (e.type === 'connected') {
            lastMqttError = undefined;
            io.stderr.write(`MQTT connected to ${maskUrl(values.mqtt as string)}\n`);
          } else if (e.type === 'offline') io.stderr.write('MQTT offline; readings are kept (latest only) until it is back\n');
          else if (e.type === 'error' && e.message !== lastMqttError) {
            // MQTT.js retries every second: say each distinct error once, not once per attempt.
            lastMqttError = e.message;
            io.stderr.write(`MQTT: ${e.message}\n`);
          }
        },
      })
    : undefined;
  const record = values.record;
  const live = new HanLive({
    reader,
    ...(mqtt ? { mqtt } : {}),
    derived: new HanDerivedValues(steps ? { tariff: { steps } } : {}),
    serial: {
      path,
      baudRate,
      ...(values.parity ? { parity: values.parity as HanParity } : {}),
      ...(options.vendor ? { vendor: options.vendor } : {}),
      ...(record ? { onChunk: (chunk: Uint8Array, at: Date) => appendFileSync(record, formatCaptureLine(at, chunk) + '\n') } : {}),
    },
    onReading: (reading, derived) => {
      const json = () => JSON.stringify({ ...readingToJson(reading), ...(derived.hourly ? { hourly: derived.hourly } : {}), ...(derived.tariff ? { tariff: derived.tariff } : {}) });
      io.stdout.write((values.json ? json() : formatLiveLine(reading, derived)) + '\n');
    },
    onError: (event) => io.stderr.write(`${event.error.code}: ${event.error.message}${event.droppedBytes > 0 ? ` (${event.droppedBytes} bytes dropped)` : ''}\n`),
    onSerialStatus: (s) => {
      switch (s.type) {
        case 'open':
          io.stderr.write(`reading ${s.settings.path} at ${describeLine(s.settings)}\n`);
          break;
        case 'open-failed':
          io.stderr.write(`cannot open ${path}: ${s.reason}; retrying in ${(s.retryInMs / 1000).toFixed(1)} s\n`);
          break;
        case 'disconnected':
          io.stderr.write(`${path} disconnected (${s.reason}); retrying in ${(s.retryInMs / 1000).toFixed(1)} s\n`);
          break;
        case 'parity-hint':
          io.stderr.write(`hint: ${s.message}\n`);
          break;
        case 'stopped':
          break;
      }
    },
  });
  const keys = [options.encryptionKey ? 'encryption key set' : '', options.authenticationKey ? 'authentication key set' : ''].filter(Boolean).join(', ');
  io.stderr.write(
    `openams han read: ${path}, ${describeLine(live.source.settings)}, vendor ${options.vendor ?? 'auto'}` +
      (keys ? `, ${keys} (hidden)` : '') +
      (values.mqtt ? `, MQTT ${maskUrl(values.mqtt)} topic ${values.topic}` : '') +
      '\n',
  );
  const stopped = new Promise<void>((resolve) => {
    if (control.signal.aborted) resolve();
    else control.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  await live.start();
  await stopped;
  await live.stop();
  io.stderr.write(`stopped: ${statsLine(reader.stats)}\n`);
  return EXIT.ok;
}

async function readCmd(argv: readonly string[], io: CliIo, deps: HanCommandDeps): Promise<number> {
  const ac = new AbortController();
  const stop = (): void => ac.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    return await runHanRead(argv, io, { signal: ac.signal }, deps);
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}

const PHASES = ['1P', '3P3W', '3P4W'] as const;

function conformanceText(c: CaptureConformance, file: string): string {
  const r = c.report;
  const lines = [
    `HAN conformance of ${file}: vendor ${r.vendor}, ${r.topology.phases}${r.topology.ct ? ' CT' : ''} (from ${r.topology.basis}), ` +
      `${r.readings} readings${r.from && r.to ? ` ${r.from} – ${r.to}` : ''}, ${c.format} capture`,
  ];
  const width = Math.max(...r.results.map((x) => x.rule.length), ...c.skipped.map((x) => x.rule.length));
  for (const x of r.results) {
    const tag = x.status === 'pass' ? 'PASS' : x.status === 'fail' ? 'FAIL' : 'N/A ';
    lines.push(`${tag}  ${x.rule.padEnd(width)}  ${x.description}`);
    for (const d of x.details) lines.push(`      ${' '.repeat(width)}  - ${d}`);
  }
  for (const x of c.skipped) lines.push(`SKIP  ${x.rule.padEnd(width)}  ${x.description}\n      ${' '.repeat(width)}  - ${x.reason}`);
  const errs = Object.entries(c.decodeErrors);
  if (errs.length > 0) lines.push(`frames not decoded (not judged here): ${errs.map(([k, v]) => `${k} ${v}`).join(', ')}`);
  const n = r.counts;
  lines.push(`result: ${r.passed ? 'PASS' : 'FAIL'} (${n.pass} pass, ${n.fail} fail, ${n.notApplicable} not applicable, ${c.skipped.length} skipped)`);
  return lines.join('\n') + '\n';
}

function conformanceCmd(argv: readonly string[], io: CliIo, deps: HanCommandDeps): number {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      file: { type: 'string' },
      vendor: { type: 'string' },
      phases: { type: 'string' },
      ek: { type: 'string' },
      ak: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const vendor = vendorFlag(values, true) as HanVendor;
  if (values.file === undefined) throw new CliError('--file is required (a raw, hex or timestamped capture)');
  const phases = values.phases;
  if (phases !== undefined && !(PHASES as readonly string[]).includes(phases)) throw new CliError(`--phases must be one of ${PHASES.join(', ')}`);
  const reader = deps.createReader(readerOptions(values));
  const capture = parseCapture(readCapture(values.file));
  const result = checkCaptureConformance(capture, reader, { vendor, ...(phases ? { phases: phases as MeterPhases } : {}) });
  if (result.report.readings === 0) {
    io.stderr.write(`no frame of ${values.file} decoded${Object.keys(result.decodeErrors).length ? ` (${Object.entries(result.decodeErrors).map(([k, v]) => `${k} ${v}`).join(', ')})` : ''}\n`);
    return EXIT.refused;
  }
  io.stdout.write(values.json ? JSON.stringify({ ...result.report, skipped: result.skipped, decodeErrors: result.decodeErrors, format: result.format }, null, 2) + '\n' : conformanceText(result, values.file));
  return result.report.passed ? EXIT.ok : EXIT.refused;
}

/** The `openams han` command with its dependencies given (tests pass a fake reader). */
export function createHanCommand(deps: HanCommandDeps = defaultDeps()): CliCommand {
  const subcommands: Record<string, (argv: readonly string[], io: CliIo) => number | Promise<number>> = {
    decode: (a, i) => decodeCmd(a, i, deps),
    read: (a, i) => readCmd(a, i, deps),
    conformance: (a, i) => conformanceCmd(a, i, deps),
  };
  return {
    name: 'han',
    summary: 'HAN port: decode frames and captures, read a meter live (serial → MQTT/Home Assistant), check conformance',
    usage: USAGE,
    async run(argv, io) {
      const [sub, ...rest] = argv;
      if (sub === undefined || sub === '--help' || sub === '-h' || rest.includes('--help') || rest.includes('-h')) {
        io.stdout.write(HELP + '\n');
        return sub === undefined ? EXIT.usage : EXIT.ok;
      }
      const fn = subcommands[sub];
      if (!fn) throw new CliError(`unknown subcommand '${sub}'`);
      try {
        return await fn(rest, io);
      } catch (e) {
        if (isHanError(e)) {
          io.stderr.write(`openams han ${sub}: ${e.code}: ${e.message}\n`);
          return EXIT.refused;
        }
        throw e;
      }
    },
  };
}

/** `openams han`: decode, read, conformance. */
export const hanCommand: CliCommand = createHanCommand();

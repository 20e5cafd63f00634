import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import {
  AcceleratedClock,
  DEFAULT_FAULTS,
  Fleet,
  FaultConfigError,
  FleetPusher,
  HDLC_MAX_METERS,
  MAX_FLEET_SIZE,
  NO_FAULTS,
  listenHdlc,
  listenWrapper,
  parseFaultConfig,
  writeManifest,
} from '@openams/meter-sim';
import type { FaultConfig, FleetListener } from '@openams/meter-sim';
import type { CliCommand, CliIo } from '../cli-io.ts';
import { EXIT } from '../cli-io.ts';
import { CliError } from '../cli-error.ts';

const USAGE = [
  'openams sim --meters <n> [--seed <s>] [--listen host:port] [--hdlc-listen host:port] [--push-to host:port] [--speed <x>] [--start <ISO>] [--manifest <file>] [--faults default|none|<json file>]',
];

const HELP = `${USAGE.map((u) => `  ${u}`).join('\n')}

A fleet of virtual Aidon/Kaifa/Kamstrup-like meters speaking secured DLMS (HLS5-GMAC, suite 0),
in one process, until Ctrl-C; then a summary of what it served. The same --seed always gives the
same meters, keys and faults.

--listen host:port      TCP with the IEC 62056-47 wrapper, one port for the whole fleet (default
                        127.0.0.1:4059 when no --hdlc-listen or --push-to is given). The head-end
                        names the meter by a DLMS gateway header (physical device address = the
                        meter's system title or serial), the AARQ's called-AP-title, or, listening
                        on 0.0.0.0 (Linux), by dialling the meter's own address 127.16.0.0 + index.
--hdlc-listen host:port HDLC over TCP (concentrator style): server lower address 0x10 + index,
                        upper address 1; meters 0..${HDLC_MAX_METERS - 1}.
--push-to host:port     meters dial the head-end with a ciphered data-notification: yesterday's
                        PT15M profile once a night (00:10–06:10, staggered), alarms on power
                        failures and tamper events.
--speed <x>             simulated time runs x times faster (96: a day in 15 minutes). Default 1.
--start <ISO>           simulated start instant. Default now.
--manifest <file>       write the key file {"meters":[{serial, systemTitle, meteringPointId, vendor,
                        address, ek, ak, mk, …}]}; alone (no --listen/--hdlc-listen/--push-to) it
                        writes the file and exits.
--faults <f>            default (domain.md §1: 1.3 % of values missing, by cause), none, or a JSON
                        file with any FaultConfig fields over the defaults.
`;

/** Where `openams sim` listens or pushes: `host:port`. */
interface HostPort {
  readonly host: string;
  readonly port: number;
}

function hostPort(flag: string, text: string): HostPort {
  const m = /^(.*):(\d{1,5})$/.exec(text);
  const port = m ? Number(m[2]) : NaN;
  if (!m || m[1] === '' || !Number.isInteger(port) || port > 65535) throw new CliError(`--${flag} must be host:port, got '${text}'`);
  return { host: (m[1] as string).replace(/^\[(.*)\]$/, '$1'), port };
}

/** The address a head-end dials for a listener bound to `h` (a wildcard is reached on loopback). */
function dialAddress(h: HostPort, port = h.port): string {
  const host = h.host === '0.0.0.0' ? '127.0.0.1' : h.host === '::' ? '::1' : h.host;
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

function faultsFlag(text: string): FaultConfig {
  if (text === 'default') return DEFAULT_FAULTS;
  if (text === 'none') return NO_FAULTS;
  let json: string;
  try {
    json = readFileSync(text, 'utf8');
  } catch (e) {
    throw new CliError(`--faults must be default, none or a readable JSON file: ${e instanceof Error ? e.message : String(e)}`);
  }
  return parseFaultConfig(json);
}

/** A port that cannot be bound (in use, no permission): exit 1, not a usage error. */
class ListenError extends Error {
  override readonly name = 'ListenError';
}

/** What `runSim` needs from outside: when to stop; told where it listens once it does (tests). */
export interface SimControl {
  /** Aborting stops the fleet (the command wires SIGINT/SIGTERM to it). */
  readonly signal: AbortSignal;
  readonly onReady?: (ready: { readonly fleet: Fleet; readonly wrapper?: FleetListener; readonly hdlc?: FleetListener }) => void;
}

/** `openams sim`, stoppable through `control.signal`. Resolves with the exit code. */
export async function runSim(argv: readonly string[], io: CliIo, control: SimControl): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      meters: { type: 'string' },
      seed: { type: 'string', default: 'openams' },
      listen: { type: 'string' },
      'hdlc-listen': { type: 'string' },
      'push-to': { type: 'string' },
      speed: { type: 'string', default: '1' },
      start: { type: 'string' },
      manifest: { type: 'string' },
      faults: { type: 'string', default: 'default' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) {
    io.stdout.write(HELP);
    return EXIT.ok;
  }
  // 1. Validate every flag before anything starts.
  const meters = Number(values.meters);
  if (values.meters === undefined || !/^\d+$/.test(values.meters) || meters < 1 || meters > MAX_FLEET_SIZE) throw new CliError(`--meters must be a whole number 1..${MAX_FLEET_SIZE}`);
  if (values.seed === '') throw new CliError('--seed must not be empty');
  const speed = Number(values.speed);
  if (!Number.isFinite(speed) || speed <= 0) throw new CliError(`--speed must be a number > 0, got '${values.speed}'`);
  const start = values.start === undefined ? new Date() : new Date(values.start);
  if (Number.isNaN(start.getTime())) throw new CliError(`--start must be an ISO 8601 instant, got '${values.start}'`);
  const hdlc = values['hdlc-listen'] !== undefined ? hostPort('hdlc-listen', values['hdlc-listen']) : undefined;
  const push = values['push-to'] !== undefined ? hostPort('push-to', values['push-to']) : undefined;
  const manifestOnly = values.manifest !== undefined && values.listen === undefined && hdlc === undefined && push === undefined;
  const listen = values.listen !== undefined ? hostPort('listen', values.listen) : hdlc === undefined && push === undefined ? { host: '127.0.0.1', port: 4059 } : undefined;
  let faults: FaultConfig;
  try {
    faults = faultsFlag(values.faults);
  } catch (e) {
    if (e instanceof FaultConfigError) {
      io.stderr.write(`openams sim: ${e.message}\n`);
      return EXIT.refused;
    }
    throw e;
  }
  const seed = values.seed;

  // 2. The manifest: the head-end's key file, written before the fleet starts.
  if (values.manifest !== undefined) {
    const path = values.manifest;
    const t = performance.now();
    const bytes = await writeManifest(
      path,
      {
        seed,
        meters,
        address: dialAddress(listen ?? { host: '127.0.0.1', port: 4059 }),
        ...(hdlc !== undefined ? { hdlcAddress: dialAddress(hdlc) } : {}),
      },
      (done, total) => io.stderr.write(`\rwriting ${path}: ${done}/${total} meters`),
    );
    io.stderr.write('\n');
    io.stdout.write(`manifest: ${path}, ${meters} meters, ${bytes} bytes (${((performance.now() - t) / 1000).toFixed(1)} s)\n`);
    if (manifestOnly) return EXIT.ok;
  }

  // 3. The fleet, with a progress line while its directory is built.
  const clock = new AcceleratedClock(start, speed);
  io.stdout.write(`openams sim: ${meters} meters, seed '${seed}', faults ${values.faults}, speed ${speed}×, simulated start ${start.toISOString()}\n`);
  const t0 = performance.now();
  const fleet = await Fleet.create({
    seed,
    meters,
    clock,
    faults,
    onProgress: (done, total) => io.stderr.write(`\rstarting: ${done}/${total} meters`),
  });
  io.stderr.write('\n');
  io.stdout.write(`started in ${((performance.now() - t0) / 1000).toFixed(1)} s, ${(fleet.fixedBytes / 2 ** 20).toFixed(1)} MiB for the whole fleet\n`);

  const listeners: FleetListener[] = [];
  let pusher: FleetPusher | undefined;
  const bind = async (what: string, open: () => Promise<FleetListener>): Promise<FleetListener> => {
    try {
      return await open();
    } catch (e) {
      throw new ListenError(`cannot listen for ${what}: ${e instanceof Error ? e.message : String(e)}`);
    }
  };
  try {
    const wrapper = listen !== undefined ? await bind('the wrapper', () => listenWrapper(fleet, { host: listen.host, port: listen.port })) : undefined;
    if (wrapper !== undefined) {
      listeners.push(wrapper);
      io.stdout.write(`wrapper (IEC 62056-47) on ${dialAddress(listen as HostPort, wrapper.port)}: meters by gateway header, called-AP-title or 127.16.0.0 + index\n`);
    }
    const hdlcListener = hdlc !== undefined ? await bind('HDLC', () => listenHdlc(fleet, { host: hdlc.host, port: hdlc.port })) : undefined;
    if (hdlcListener !== undefined) {
      listeners.push(hdlcListener);
      io.stdout.write(`HDLC over TCP on ${dialAddress(hdlc as HostPort, hdlcListener.port)}: server address 1/0x10 + index, meters 0..${Math.min(meters, HDLC_MAX_METERS) - 1}\n`);
    }
    if (push !== undefined) {
      pusher = new FleetPusher(fleet, { host: push.host, port: push.port });
      pusher.start();
      io.stdout.write(`pushing to ${push.host}:${push.port}: daily profiles 00:10–06:10 Oslo time, alarms\n`);
    }
    control.onReady?.({ fleet, ...(wrapper !== undefined ? { wrapper } : {}), ...(hdlcListener !== undefined ? { hdlc: hdlcListener } : {}) });
    io.stdout.write('running; Ctrl-C to stop\n');
    // A ref'd timer keeps the process alive while the fleet waits for the signal.
    const keepAlive = setInterval(() => undefined, 60_000);
    await new Promise<void>((resolve) => {
      if (control.signal.aborted) resolve();
      else control.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    clearInterval(keepAlive);
  } catch (e) {
    if (!(e instanceof ListenError)) throw e;
    io.stderr.write(`openams sim: ${e.message}\n`);
    return EXIT.refused;
  } finally {
    await pusher?.stop();
    for (const l of listeners) await l.close();
    fleet.close();
  }
  io.stdout.write(`stopped at simulated ${clock.now().toISOString()}\n`);
  for (const line of fleet.stats.summary()) io.stdout.write(`${line}\n`);
  return EXIT.ok;
}

/** `openams sim`: a virtual meter fleet. */
export const simCommand: CliCommand = {
  name: 'sim',
  summary: 'a fleet of virtual meters speaking secured DLMS, with the faults real fleets have',
  usage: USAGE,
  async run(argv, io) {
    const ac = new AbortController();
    const stop = (): void => ac.abort();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    try {
      return await runSim(argv, io, { signal: ac.signal });
    } finally {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    }
  },
};

import { SerialPort } from 'serialport';
import type { HanEvent, HanReaderLike, HanReaderStats } from '../pipeline/types.ts';
import type { HanVendor } from '../reading/index.ts';

/** UART parity. Norwegian HAN: Aidon and Kaifa 8E1, Kamstrup 8N1 (research note §2.1). */
export type HanParity = 'none' | 'even' | 'odd';

/** The serial line settings of a HAN port. Data bits are 8 and stop bits 1 on every meter. */
export interface HanSerialSettings {
  readonly path: string;
  /** 2400 on every Norwegian meter; some Swedish Aidon RJ12 ports run 115200 (amsreader test/payloads/aidon/README.md). */
  readonly baudRate: number;
  readonly parity: HanParity;
}

/** The HAN default: 2400 baud. */
export const HAN_DEFAULT_BAUD = 2400;

/**
 * The parity a vendor's HAN port uses: Kamstrup 8N1, Aidon and Kaifa 8E1 (roarfred
 * `Samples/readme.md`; amsreader #239, #1131). Unknown vendor: even, the setting of the majority
 * of Norwegian meters; the checksum-error hint tells Kamstrup owners to switch.
 */
export function defaultParity(vendor?: HanVendor): HanParity {
  return vendor === 'kamstrup' ? 'none' : 'even';
}

/** `8E1`-style shorthand for messages. */
export function describeLine(s: Pick<HanSerialSettings, 'baudRate' | 'parity'>): string {
  const p = s.parity === 'none' ? 'N' : s.parity === 'even' ? 'E' : 'O';
  return `${s.baudRate} 8${p}1`;
}

/** What a serial opener reports back while a port is open. */
export interface SerialHandlers {
  data(chunk: Uint8Array): void;
  /** The port closed by itself (device unplugged, read error). Not called after `close()`. */
  closed(error?: Error): void;
}

/** An open serial port. */
export interface SerialHandle {
  close(): Promise<void>;
}

/** Opens a serial port; the default is {@link openSerialPort} (the `serialport` package). */
export type SerialOpener = (settings: HanSerialSettings, handlers: SerialHandlers) => Promise<SerialHandle>;

/**
 * Opens `settings.path` with `serialport` (8 data bits, 1 stop bit, exclusive lock) and forwards
 * what it reads. A disconnect (USB adapter unplugged: `serialport` closes the port with a
 * DisconnectedError) or a read that reports end of stream calls `handlers.closed` once.
 */
export function openSerialPort(settings: HanSerialSettings, handlers: SerialHandlers): Promise<SerialHandle> {
  return new Promise((resolve, reject) => {
    const port = new SerialPort({
      path: settings.path,
      baudRate: settings.baudRate,
      parity: settings.parity,
      dataBits: 8,
      stopBits: 1,
      autoOpen: false,
    });
    let done = false;
    const finish = (error?: Error): void => {
      if (done) return;
      done = true;
      port.removeAllListeners('data');
      handlers.closed(error);
    };
    port.open((err) => {
      if (err) {
        reject(err);
        return;
      }
      // Copy: serialport hands out views into a pooled buffer.
      port.on('data', (chunk: Buffer) => handlers.data(Uint8Array.from(chunk)));
      port.on('close', (e: Error | null) => finish(e ?? new Error('port closed')));
      port.on('end', () => {
        if (port.isOpen) port.close();
        finish(new Error('end of stream'));
      });
      port.on('error', (e: Error) => {
        if (port.isOpen) port.close();
        finish(e);
      });
      resolve({
        close: () =>
          new Promise<void>((res) => {
            done = true;
            port.removeAllListeners('data');
            if (!port.isOpen) {
              res();
              return;
            }
            port.close(() => res());
          }),
      });
    });
  });
}

/** Reconnect backoff: `initialMs`, times `factor` per failed attempt, capped at `maxMs`. */
export interface HanBackoff {
  readonly initialMs: number;
  readonly maxMs: number;
  readonly factor: number;
}

/** 0.5 s, 1 s, 2 s … 30 s: quick after a glitch, quiet while an adapter stays unplugged. */
export const DEFAULT_BACKOFF: HanBackoff = { initialMs: 500, maxMs: 30_000, factor: 2 };

/** The delay before reconnect attempt `attempt` (1-based). */
export function backoffDelay(b: HanBackoff, attempt: number): number {
  return Math.min(b.maxMs, Math.round(b.initialMs * b.factor ** Math.max(0, attempt - 1)));
}

/** What happens on the line, for logs and the CLI. */
export type HanSerialStatus =
  | { readonly type: 'open'; readonly settings: HanSerialSettings }
  | { readonly type: 'open-failed'; readonly reason: string; readonly attempt: number; readonly retryInMs: number }
  | { readonly type: 'disconnected'; readonly reason: string; readonly retryInMs: number }
  | { readonly type: 'parity-hint'; readonly message: string }
  | { readonly type: 'stopped' };

/** Errors that mean "the bytes were damaged on the line" rather than "a frame we cannot decode". */
const LINE_ERRORS = ['CHECKSUM_MISMATCH', 'FRAME_INVALID', 'TRUNCATED'] as const;

function lineErrors(stats: HanReaderStats): number {
  let n = 0;
  for (const code of LINE_ERRORS) n += stats.errors[code] ?? 0;
  return n;
}

/** Thresholds for {@link parityAdvice}. */
export interface ParityAdviceThresholds {
  /** Line errors with no reading at all before the hint (default 3). */
  readonly errorsWithoutReading: number;
  /** Otherwise: at least this many line errors … (default 20) */
  readonly minErrors: number;
  /** … making up at least this share of frames (default 0.5). */
  readonly errorShare: number;
}

/** Defaults for {@link parityAdvice}. */
export const DEFAULT_PARITY_THRESHOLDS: ParityAdviceThresholds = { errorsWithoutReading: 3, minErrors: 20, errorShare: 0.5 };

/**
 * Explains many checksum errors. Wrong parity is the most common HAN support case (amsreader
 * #339, #355, #362, #1131): a UART set to 8N1 on an 8E1 line takes the parity bit for the stop
 * bit and turns bytes into framing errors; set to 8E1 on an 8N1 line it rejects about half of them.
 * Either way frames fail their CRC. The next cause is a badly seated module or adapter
 * (amsreader #175). `since` are the stats when the port opened; returns `undefined` while the
 * line looks healthy.
 */
export function parityAdvice(
  settings: Pick<HanSerialSettings, 'baudRate' | 'parity'>,
  now: HanReaderStats,
  since?: HanReaderStats,
  thresholds: ParityAdviceThresholds = DEFAULT_PARITY_THRESHOLDS,
): string | undefined {
  const errors = lineErrors(now) - (since ? lineErrors(since) : 0);
  const readings = now.readings - (since?.readings ?? 0);
  const noReadings = readings === 0 && errors >= thresholds.errorsWithoutReading;
  const mostlyBad = errors >= thresholds.minErrors && errors / Math.max(1, errors + readings) >= thresholds.errorShare;
  if (!noReadings && !mostlyBad) return undefined;
  const other: HanParity = settings.parity === 'none' ? 'even' : 'none';
  const who = settings.parity === 'none' ? 'Aidon and Kaifa meters send 8E1' : 'Kamstrup meters send 8N1';
  return (
    `${errors} frame(s) failed their checksum ${readings === 0 ? 'and none decoded' : `against ${readings} decoded`} at ${describeLine(settings)}. ` +
    `Wrong parity is the usual cause: ${who}; try --parity ${other}. ` +
    `If that does not help, check that the M-Bus adapter and the RJ45 plug are seated firmly.`
  );
}

/** Options of {@link HanSerialSource}. */
export interface HanSerialSourceOptions {
  readonly path: string;
  readonly baudRate?: number;
  /** Default: {@link defaultParity} of `vendor`. */
  readonly parity?: HanParity;
  /** Used only to pick the default parity. */
  readonly vendor?: HanVendor;
  readonly reader: HanReaderLike;
  /** Every event the reader produces, with the receive time of the chunk that completed it. */
  readonly onEvent: (event: HanEvent, receivedAt: Date) => void;
  readonly onStatus?: (status: HanSerialStatus) => void;
  /** Raw chunks as received (for `--record`). */
  readonly onChunk?: (chunk: Uint8Array, receivedAt: Date) => void;
  readonly backoff?: HanBackoff;
  readonly parityThresholds?: ParityAdviceThresholds;
  readonly now?: () => Date;
  readonly open?: SerialOpener;
}

/**
 * A HAN serial line feeding a reader: opens the port, pushes every chunk into the
 * `HanReaderLike`, reconnects with backoff when the device disappears (a USB adapter unplugged)
 * or cannot be opened yet, and stops cleanly. At a disconnect the reader is flushed, so a frame
 * cut by the unplug is reported as dropped and never joined with bytes from the next session.
 */
export class HanSerialSource {
  readonly settings: HanSerialSettings;
  private readonly options: HanSerialSourceOptions;
  private readonly backoff: HanBackoff;
  private readonly now: () => Date;
  private handle: SerialHandle | undefined;
  private timer: NodeJS.Timeout | undefined;
  private attempt = 0;
  private running = false;
  private opening: Promise<void> | undefined;
  private statsAtOpen: HanReaderStats | undefined;
  private hinted = false;

  constructor(options: HanSerialSourceOptions) {
    this.options = options;
    this.settings = {
      path: options.path,
      baudRate: options.baudRate ?? HAN_DEFAULT_BAUD,
      parity: options.parity ?? defaultParity(options.vendor),
    };
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.now = options.now ?? (() => new Date());
  }

  /** Whether a port is open right now. */
  get isOpen(): boolean {
    return this.handle !== undefined;
  }

  /** Starts reading; resolves after the first open attempt (a failure schedules a retry, it does not reject). */
  start(): Promise<void> {
    if (this.running) return this.opening ?? Promise.resolve();
    this.running = true;
    return this.connect();
  }

  /** Closes the port, cancels any reconnect and flushes the reader. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.opening;
    const h = this.handle;
    this.handle = undefined;
    if (h) await h.close();
    this.flush();
    this.options.onStatus?.({ type: 'stopped' });
  }

  private connect(): Promise<void> {
    const open = this.options.open ?? openSerialPort;
    this.opening = open(this.settings, {
      data: (chunk) => this.onData(chunk),
      closed: (error) => this.onClosed(error),
    }).then(
      (handle) => {
        this.opening = undefined;
        if (!this.running) return handle.close();
        this.handle = handle;
        this.statsAtOpen = this.options.reader.stats;
        this.hinted = false;
        this.options.onStatus?.({ type: 'open', settings: this.settings });
        return undefined;
      },
      (err: unknown) => {
        this.opening = undefined;
        if (!this.running) return;
        this.attempt++;
        const retryInMs = backoffDelay(this.backoff, this.attempt);
        this.options.onStatus?.({ type: 'open-failed', reason: errorText(err), attempt: this.attempt, retryInMs });
        this.schedule(retryInMs);
      },
    );
    return this.opening;
  }

  private schedule(ms: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.running) void this.connect();
    }, ms);
  }

  private onData(chunk: Uint8Array): void {
    const receivedAt = this.now();
    // A line that delivers bytes is healthy: the next outage starts its backoff from the beginning.
    this.attempt = 0;
    this.options.onChunk?.(chunk, receivedAt);
    for (const event of this.options.reader.push(chunk, receivedAt)) this.options.onEvent(event, receivedAt);
    if (!this.hinted) {
      const advice = parityAdvice(this.settings, this.options.reader.stats, this.statsAtOpen, this.options.parityThresholds);
      if (advice) {
        this.hinted = true;
        this.options.onStatus?.({ type: 'parity-hint', message: advice });
      }
    }
  }

  private onClosed(error?: Error): void {
    this.handle = undefined;
    this.flush();
    if (!this.running) return;
    this.attempt++;
    const retryInMs = backoffDelay(this.backoff, this.attempt);
    this.options.onStatus?.({ type: 'disconnected', reason: error ? errorText(error) : 'closed', retryInMs });
    this.schedule(retryInMs);
  }

  private flush(): void {
    const at = this.now();
    for (const event of this.options.reader.flush()) this.options.onEvent(event, at);
  }
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

import { open } from 'node:fs/promises';
import { bytesToHex } from '@openams/dlms';
import { meterIdentities } from '../fleet-identity/index.ts';
import type { MeterIdentityOptions } from '../fleet-identity/index.ts';
import type { MeterPhases, MeterVendor } from '../identity/index.ts';
import { FleetError } from './errors.ts';
import { HDLC_MAX_METERS, meterHdlcAddress } from './tcp.ts';

/** Options of the manifest functions. */
export interface ManifestOptions {
  readonly seed: string;
  readonly meters: number;
  readonly identity?: MeterIdentityOptions;
  /** `host:port` the head-end dials for every meter (the wrapper front); routing is by system title. */
  readonly address: string;
  /** `host:port` of the HDLC front, if any: the meters it can address get `hdlc`. */
  readonly hdlcAddress?: string;
  /** Include each meter's master key (`mk`). Default true: a head-end needs it for key transfer. */
  readonly masterKeys?: boolean;
}

/**
 * One meter as a vendor's key file names it for the grid company (issue 4: `serial`,
 * `systemTitle`, `meteringPointId`, `vendor`, `address`, `ek`, `ak`), plus what a head-end's
 * inventory needs (domain.md §3 d: model and firmware of every meter) and the master key: without
 * it a head-end cannot renew the keys (Security setup key_transfer wraps new keys with it; §3 c
 * "keys can be renewed centrally"), so vendors deliver it too. Keys are upper-case hex.
 */
export interface ManifestEntry {
  readonly index: number;
  readonly serial: string;
  readonly systemTitle: string;
  readonly meteringPointId: string;
  readonly vendor: MeterVendor;
  readonly meterType: string;
  readonly firmwareVersion: string;
  readonly phases: MeterPhases;
  readonly address: string;
  readonly hdlc?: { readonly address: string; readonly logical: number; readonly physical: number };
  readonly ek: string;
  readonly ak: string;
  readonly mk?: string;
}

function check(options: ManifestOptions): void {
  if (!Number.isInteger(options.meters) || options.meters < 1) throw new FleetError('INVALID_OPTION', `a manifest lists at least one meter, got ${options.meters}`);
  if (!/^[^\s:]+:\d+$|^\[[^\]]+\]:\d+$/.test(options.address)) throw new FleetError('INVALID_OPTION', `the manifest address must be host:port, got '${options.address}'`);
}

/** The manifest's entries, meter by meter (generated from the seed; nothing is stored). */
export function* manifestEntries(options: ManifestOptions): Generator<ManifestEntry> {
  check(options);
  const withMk = options.masterKeys ?? true;
  for (const m of meterIdentities(options.seed, options.meters, options.identity)) {
    yield {
      index: m.index,
      serial: m.serial,
      systemTitle: bytesToHex(m.systemTitle),
      meteringPointId: m.meteringPointId,
      vendor: m.vendor,
      meterType: m.meterType,
      firmwareVersion: m.firmwareVersion,
      phases: m.phases,
      address: options.address,
      ...(options.hdlcAddress !== undefined && m.index < HDLC_MAX_METERS ? { hdlc: { address: options.hdlcAddress, ...meterHdlcAddress(m.index) } } : {}),
      ek: bytesToHex(m.keys.encryptionKey),
      ak: bytesToHex(m.keys.authenticationKey),
      ...(withMk ? { mk: bytesToHex(m.keys.masterKey) } : {}),
    };
  }
}

/**
 * The manifest as JSON text in pieces of up to 1,000 meters: `{"meters":[` then one entry per
 * line. The same options always give the same bytes (field order fixed, no timestamps).
 */
export function* manifestChunks(options: ManifestOptions): Generator<string> {
  yield '{"meters":[\n';
  let piece: string[] = [];
  let first = true;
  for (const e of manifestEntries(options)) {
    piece.push(`${first ? '' : ',\n'}${JSON.stringify(e)}`);
    first = false;
    if (piece.length === 1000) {
      yield piece.join('');
      piece = [];
    }
  }
  yield `${piece.join('')}\n]}\n`;
}

/** The whole manifest as one string (small fleets, tests). */
export function manifestJson(options: ManifestOptions): string {
  return [...manifestChunks(options)].join('');
}

/** Write the manifest to `path`, telling `onProgress` how many meters are written. Returns the byte count. */
export async function writeManifest(path: string, options: ManifestOptions, onProgress?: (done: number, total: number) => void): Promise<number> {
  check(options);
  const file = await open(path, 'w');
  let bytes = 0;
  let done = 0;
  try {
    for (const chunk of manifestChunks(options)) {
      const { bytesWritten } = await file.write(chunk);
      bytes += bytesWritten;
      done = Math.min(options.meters, done + 1000);
      onProgress?.(done, options.meters);
    }
  } finally {
    await file.close();
  }
  return bytes;
}

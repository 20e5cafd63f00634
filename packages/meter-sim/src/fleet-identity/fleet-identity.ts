import { createCipheriv, createHmac } from 'node:crypto';
import type { Cipher } from 'node:crypto';
import { gs1CheckDigit, meteringPointIdFromSequence } from '@openams/core';
import type { MeterIdentity, MeterPhases, MeterVendor } from '../identity/index.ts';
import { FleetIdentityError } from './fleet-identity-error.ts';
import { VENDOR_PROFILES } from './vendors.ts';

/** Relative weights; they need not sum to 1. */
export type ShareTable<K extends string> = Readonly<Record<K, number>>;

/**
 * Default vendor mix: proportional to the number of Norwegian grid companies using each vendor
 * (domain.md §1, RME Q3 2022: Kamstrup 55, Aidon 38, Nuri/Kaifa 20), i.e. about 49 / 34 / 18 %.
 * The report counts grid companies, not meters, so this is a stand-in for the meter shares.
 */
export const DEFAULT_VENDOR_SHARES: ShareTable<MeterVendor> = { kamstrup: 55, aidon: 38, kaifa: 20 };

/**
 * Default phase topology mix. Norway's low-voltage grid is mostly 230 V IT (three phases, no
 * neutral; "tidligere det mest brukte fordelingssystemet", au3.no "Fordelingssystemer"), so most
 * meters are 3-phase 3-wire; newer areas are TN 230/400 V (3-phase 4-wire); flats and cabins are
 * often fed with two conductors and get a 1-phase meter. No source gives the exact split: 60 %
 * 3P3W, 25 % 3P4W, 15 % 1P is an assumption.
 */
export const DEFAULT_PHASE_SHARES: ShareTable<MeterPhases> = { '3p3w': 60, '3p4w': 25, '1p': 15 };

/**
 * The largest fleet the generator numbers uniquely: Kaifa's 10,000,000 serial bodies bound it
 * (every vendor's serials and the metering-point ids are bijections of the index).
 */
export const MAX_FLEET_SIZE = 10_000_000;

/** Options of {@link generateMeterIdentity}. */
export interface MeterIdentityOptions {
  /** Vendor mix (default {@link DEFAULT_VENDOR_SHARES}); ignored when `vendor` is set. */
  readonly vendorShares?: ShareTable<MeterVendor>;
  /** Phase topology mix (default {@link DEFAULT_PHASE_SHARES}); ignored when `phases` is set. */
  readonly phaseShares?: ShareTable<MeterPhases>;
  /** Force this vendor (a single-vendor fleet, a test). */
  readonly vendor?: MeterVendor;
  /** Force this phase topology. */
  readonly phases?: MeterPhases;
}

const VENDORS: readonly MeterVendor[] = ['kamstrup', 'aidon', 'kaifa'];
const PHASES: readonly MeterPhases[] = ['3p3w', '3p4w', '1p'];

/** Purpose bytes of the four AES blocks each meter gets. */
const PURPOSE = { encryptionKey: 1, authenticationKey: 2, masterKey: 3, traits: 4 } as const;

/** Everything derived from a fleet seed once: the block cipher and the index permutations. */
interface FleetContext {
  readonly cipher: Cipher;
  /** Affine permutation `(offset + index × stride) mod span` per vendor serial body and for metering points. */
  readonly serial: Readonly<Record<MeterVendor, Affine>>;
  readonly meteringPoint: Affine;
}

interface Affine {
  readonly offset: number;
  readonly stride: number;
  readonly span: number;
}

/** The four plaintext blocks; only the index bytes change between calls (the cipher copies its input). */
const SCRATCH = Buffer.alloc(64);
for (const [i, purpose] of [PURPOSE.encryptionKey, PURPOSE.authenticationKey, PURPOSE.masterKey, PURPOSE.traits].entries()) {
  SCRATCH.write('OAMS', i * 16, 'latin1');
  SCRATCH[i * 16 + 4] = purpose;
}

// A handful of seeds per process is normal (one fleet, tests); the cache is dropped when full.
const contexts = new Map<string, FleetContext>();
const MAX_CONTEXTS = 64;

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/** A permutation of `[0, span)`: a stride coprime with `span` visits every residue once. */
function affine(word1: number, word2: number, span: number): Affine {
  let stride = (word2 % (span - 1)) + 1;
  while (gcd(stride, span) !== 1) stride = (stride % (span - 1)) + 1;
  return { offset: word1 % span, stride, span };
}

function apply(a: Affine, index: number): number {
  // index < 10^7 and stride < 10^8: the product stays below 2^53.
  return (a.offset + index * a.stride) % a.span;
}

function contextFor(seed: string): FleetContext {
  const hit = contexts.get(seed);
  if (hit) return hit;
  // HMAC-SHA-256 keyed by the seed: a fleet secret the index-level values are derived from.
  const master = createHmac('sha256', seed).update('openams/meter-sim/fleet-identity/v1').digest();
  const words = createHmac('sha256', seed).update('openams/meter-sim/fleet-identity/v1/permutations').digest();
  const w = (i: number) => words.readUInt32BE(i * 4);
  // AES-128 in ECB over distinct blocks is a keyed permutation: distinct (purpose, index)
  // blocks give distinct outputs, so per-meter keys are unique by construction, not by luck.
  // ECB keeps no state between blocks, so one cipher object serves every call (never `final()`).
  const cipher = createCipheriv('aes-128-ecb', master.subarray(0, 16), null);
  cipher.setAutoPadding(false);
  const ctx: FleetContext = {
    cipher,
    serial: {
      aidon: affine(w(0), w(1), VENDOR_PROFILES.aidon.bodySpan),
      kaifa: affine(w(2), w(3), VENDOR_PROFILES.kaifa.bodySpan),
      kamstrup: affine(w(4), w(5), VENDOR_PROFILES.kamstrup.bodySpan),
    },
    meteringPoint: affine(w(6), w(7), 100_000_000),
  };
  if (contexts.size >= MAX_CONTEXTS) contexts.clear();
  contexts.set(seed, ctx);
  return ctx;
}

function pick<K extends string>(keys: readonly K[], shares: ShareTable<K>, u: number, what: string): K {
  let total = 0;
  for (const k of keys) {
    const s = shares[k];
    if (typeof s !== 'number' || !Number.isFinite(s) || s < 0) throw new FleetIdentityError('INVALID_OPTION', `${what} share of ${k} must be a finite number ≥ 0, got ${String(s)}`);
    total += s;
  }
  if (total <= 0) throw new FleetIdentityError('INVALID_OPTION', `${what} shares are all zero`);
  let acc = 0;
  const target = u * total;
  for (const k of keys) {
    acc += shares[k];
    if (target < acc) return k;
  }
  // u < 1, so only rounding can land here: the last key with a non-zero share.
  return [...keys].reverse().find((k) => shares[k] > 0) as K;
}

/** The entry `u` (0 ≤ u < 1) falls on when the weights are laid end to end. */
function pickWeighted<T>(entries: readonly (readonly [T, number])[], u: number): T {
  const total = entries.reduce((n, [, w]) => n + w, 0);
  let acc = 0;
  for (const [value, w] of entries) {
    acc += w;
    if (u * total < acc) return value;
  }
  return (entries[entries.length - 1] as readonly [T, number])[0];
}

function checkForced<K extends string>(value: K | undefined, keys: readonly K[], what: string): void {
  if (value !== undefined && !keys.includes(value)) throw new FleetIdentityError('INVALID_OPTION', `unknown ${what} '${String(value)}'`);
}

/**
 * The identity of meter `index` of the fleet `fleetSeed`: deterministic (the same seed and index
 * always give the same meter, so a manifest can be regenerated), computed on demand (a fleet
 * stores no identities), unique within the fleet.
 *
 * - vendor and phase topology drawn from the share tables (defaults {@link DEFAULT_VENDOR_SHARES},
 *   {@link DEFAULT_PHASE_SHARES});
 * - `serial`: the 16-digit GS1 meter id the HAN lists carry: vendor GS1 prefix, 8 digits that are a
 *   permutation of the index (so unique), GS1 mod-10 check digit;
 * - `systemTitle`: the vendor's FLAG id (`ADN`, `KFM`, `KAM`), a type byte and the 8 serial digits
 *   as a big-endian 32-bit number (Green Book 4.3.4; Kamstrup's published titles have exactly this
 *   shape);
 * - `meteringPointId`: `meteringPointIdFromSequence` of another permutation of the index (prefix
 *   707057500, valid check digit, unique);
 * - `keys`: EK, AK and master key, each AES-128 of a distinct block under a key derived from the
 *   seed: never equal across meters or across the three roles (domain.md §3 e: unique keys per
 *   meter).
 *
 * Throws `FleetIdentityError`: INVALID_SEED, OUT_OF_RANGE (index), INVALID_OPTION.
 */
export function generateMeterIdentity(fleetSeed: string, index: number, options: MeterIdentityOptions = {}): MeterIdentity {
  const ctx = checked(fleetSeed, index, 1, options);
  // 1. Four blocks `'OAMS' | purpose | index (u32) | zeros`, encrypted in one call.
  writeBlocks(SCRATCH, 0, index);
  return identityFrom(ctx, index, ctx.cipher.update(SCRATCH), 0, options);
}

/** Meters per cipher call in {@link meterIdentities}. */
const BATCH = 512;
const BATCH_SCRATCH = Buffer.alloc(BATCH * 64);
for (let m = 0; m < BATCH; m++) BATCH_SCRATCH.set(SCRATCH, m * 64);

/**
 * Meters `start`, `start + 1`, … `start + count − 1` of a fleet, the same as
 * {@link generateMeterIdentity} gives one by one, but with one cipher call per 512 meters: for
 * writing a manifest or walking a whole fleet (about 3 µs a meter instead of 7).
 */
export function* meterIdentities(fleetSeed: string, count: number, options: MeterIdentityOptions = {}, start = 0): Generator<MeterIdentity> {
  const ctx = checked(fleetSeed, start, count, options);
  for (let first = start; first < start + count; first += BATCH) {
    const n = Math.min(BATCH, start + count - first);
    for (let m = 0; m < n; m++) writeBlocks(BATCH_SCRATCH, m * 64, first + m);
    const out = ctx.cipher.update(BATCH_SCRATCH.subarray(0, n * 64));
    for (let m = 0; m < n; m++) yield identityFrom(ctx, first + m, out, m * 64, options);
  }
}

function checked(fleetSeed: string, start: number, count: number, options: MeterIdentityOptions): FleetContext {
  if (typeof fleetSeed !== 'string' || fleetSeed.length === 0) throw new FleetIdentityError('INVALID_SEED', 'the fleet seed must be a non-empty string');
  if (!Number.isInteger(start) || !Number.isInteger(count) || start < 0 || count < 0 || start + count > MAX_FLEET_SIZE) {
    const what = count === 1 ? `got ${start}` : `got ${count} meters from ${start}`;
    throw new FleetIdentityError('OUT_OF_RANGE', `a meter index is an integer 0..${MAX_FLEET_SIZE - 1}, ${what}`);
  }
  checkForced(options.vendor, VENDORS, 'vendor');
  checkForced(options.phases, PHASES, 'phase topology');
  return contextFor(fleetSeed);
}

function writeBlocks(buf: Buffer, at: number, index: number): void {
  for (let b = 0; b < 4; b++) buf.writeUInt32BE(index, at + b * 16 + 5);
}

/** The identity of meter `index` from its 64 encrypted bytes at `out[at…]`. */
function identityFrom(ctx: FleetContext, index: number, out: Buffer, at: number, options: MeterIdentityOptions): MeterIdentity {
  // 2. Vendor, topology, firmware from the traits block.
  const vendor = options.vendor ?? pick(VENDORS, options.vendorShares ?? DEFAULT_VENDOR_SHARES, out.readUInt32BE(at + 48) / 2 ** 32, 'vendor');
  const phases = options.phases ?? pick(PHASES, options.phaseShares ?? DEFAULT_PHASE_SHARES, out.readUInt32BE(at + 52) / 2 ** 32, 'phase');
  const profile = VENDOR_PROFILES[vendor];
  const firmwareVersion = pickWeighted(profile.firmware, out.readUInt32BE(at + 56) / 2 ** 32);

  // 3. Serial and system title from the vendor's permutation of the index.
  const body = profile.bodyBase + apply(ctx.serial[vendor], index);
  const payload = `${profile.gs1Prefix}${String(body).padStart(8, '0')}`;
  const serial = `${payload}${gs1CheckDigit(payload)}`;
  const systemTitle = new Uint8Array(8);
  for (let i = 0; i < 3; i++) systemTitle[i] = profile.flagId.charCodeAt(i);
  systemTitle[3] = profile.systemTitleTypeByte;
  systemTitle[4] = body >>> 24;
  systemTitle[5] = (body >>> 16) & 0xff;
  systemTitle[6] = (body >>> 8) & 0xff;
  systemTitle[7] = body & 0xff;

  return {
    index,
    vendor,
    serial,
    systemTitle,
    meterType: profile.meterTypes[phases],
    firmwareVersion,
    meteringPointId: meteringPointIdFromSequence(apply(ctx.meteringPoint, index)),
    phases,
    keys: {
      // Copies, so an identity does not keep a whole batch's cipher output alive.
      encryptionKey: new Uint8Array(out.subarray(at, at + 16)),
      authenticationKey: new Uint8Array(out.subarray(at + 16, at + 32)),
      masterKey: new Uint8Array(out.subarray(at + 32, at + 48)),
    },
  };
}

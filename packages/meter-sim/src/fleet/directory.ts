import { gs1CheckDigit } from '@openams/core';
import { VENDOR_PROFILES, meterIdentities } from '../fleet-identity/index.ts';
import type { MeterIdentityOptions } from '../fleet-identity/index.ts';
import { mix } from '../faults/index.ts';
import { FleetError } from './errors.ts';

const CHUNK = 8192;

function titleHash(t: Uint8Array, at = 0): number {
  const hi = (((t[at] as number) << 24) | ((t[at + 1] as number) << 16) | ((t[at + 2] as number) << 8) | (t[at + 3] as number)) >>> 0;
  const lo = (((t[at + 4] as number) << 24) | ((t[at + 5] as number) << 16) | ((t[at + 6] as number) << 8) | (t[at + 7] as number)) >>> 0;
  return mix(hi, lo);
}

/**
 * Which meter has which system title: the only per-meter table a fleet keeps from the start, so
 * a head-end can name a meter by its system title (gateway header, called-AP-title) or serial.
 * Eight bytes per meter for the titles and an open-addressing table of `Int32Array` slots at
 * most half full: about 16 bytes a meter (1.6 MB for 100,000).
 */
export class FleetDirectory {
  private constructor(
    readonly size: number,
    private readonly titles: Uint8Array,
    private readonly slots: Int32Array,
  ) {}

  /**
   * Generate the system titles of meters 0 … size − 1 of `seed` (`meterIdentities`, about 3 µs a
   * meter), yielding to the event loop every 8,192 meters and telling `onProgress` how far it is.
   */
  static async build(seed: string, size: number, identity: MeterIdentityOptions = {}, onProgress?: (done: number, total: number) => void): Promise<FleetDirectory> {
    if (!Number.isInteger(size) || size < 1) throw new FleetError('INVALID_OPTION', `a fleet has at least one meter, got ${size}`);
    const titles = new Uint8Array(size * 8);
    let slotCount = 1;
    while (slotCount < size * 2) slotCount *= 2;
    const slots = new Int32Array(slotCount);
    const directory = new FleetDirectory(size, titles, slots);
    let done = 0;
    for (const m of meterIdentities(seed, size, identity)) {
      titles.set(m.systemTitle, m.index * 8);
      directory.insert(m.index);
      if (++done % CHUNK === 0) {
        onProgress?.(done, size);
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    }
    onProgress?.(size, size);
    return directory;
  }

  private insert(index: number): void {
    const mask = this.slots.length - 1;
    let s = titleHash(this.titles, index * 8) & mask;
    while (this.slots[s] !== 0) s = (s + 1) & mask;
    this.slots[s] = index + 1;
  }

  /** The system title of meter `index` (a copy). */
  systemTitle(index: number): Uint8Array {
    if (!Number.isInteger(index) || index < 0 || index >= this.size) throw new FleetError('NO_SUCH_METER', `meter ${index} is not in this fleet of ${this.size}`);
    return this.titles.slice(index * 8, index * 8 + 8);
  }

  /** The index of the meter with this 8-byte system title, if it is in the fleet. */
  indexOfSystemTitle(title: Uint8Array): number | undefined {
    if (title.length !== 8) return undefined;
    const mask = this.slots.length - 1;
    for (let s = titleHash(title) & mask; ; s = (s + 1) & mask) {
      const v = this.slots[s] as number;
      if (v === 0) return undefined;
      const at = (v - 1) * 8;
      let same = true;
      for (let i = 0; i < 8 && same; i++) same = this.titles[at + i] === title[i];
      if (same) return v - 1;
    }
  }

  /**
   * The index of the meter with this 16-digit GS1 serial: the serial names the vendor (GS1
   * prefix) and the 8-digit body the system title carries (`generateMeterIdentity`).
   */
  indexOfSerial(serial: string): number | undefined {
    if (!/^\d{16}$/.test(serial) || String(gs1CheckDigit(serial.slice(0, 15))) !== serial[15]) return undefined;
    const profile = Object.values(VENDOR_PROFILES).find((p) => serial.startsWith(p.gs1Prefix));
    if (profile === undefined) return undefined;
    const body = Number(serial.slice(7, 15));
    const title = new Uint8Array(8);
    for (let i = 0; i < 3; i++) title[i] = profile.flagId.charCodeAt(i);
    title[3] = profile.systemTitleTypeByte;
    title[4] = body >>> 24;
    title[5] = (body >>> 16) & 0xff;
    title[6] = (body >>> 8) & 0xff;
    title[7] = body & 0xff;
    return this.indexOfSystemTitle(title);
  }

  /** Bytes held. */
  get bytes(): number {
    return this.titles.byteLength + this.slots.byteLength;
  }
}

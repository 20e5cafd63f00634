import type { MeterPhases } from '../identity/index.ts';
import { dayContaining } from './calendar.ts';
import { dayEnergy, paramsOf } from './energy.ts';
import type { LoadSubject } from './energy.ts';
import { normal } from './hash.ts';
import { LoadModelError } from './load-error.ts';
import type { LoadProfileParams } from './params.ts';

/**
 * What a meter measures at one instant: the values of the HAN lists 1 and 2 (OBIS 1–4.7.0,
 * 31/51/71.7.0, 32/52/72.7.0), at the model's resolution (W, var, mA, 0.1 V). Each vendor's list
 * then rounds to its own resolution.
 */
export interface InstantaneousValues {
  /** P+ and P− in W: one of them is 0 (net power across phases, as the meter registers it). */
  readonly activeImportW: number;
  readonly activeExportW: number;
  /** Q+ and Q− in var: one of them is 0. */
  readonly reactiveImportVar: number;
  readonly reactiveExportVar: number;
  readonly phases: MeterPhases;
  /** Line currents in mA: `[IL1]` on 1-phase meters, `[IL1, IL2, IL3]` on 3-phase ones. */
  readonly currentsMilliampere: readonly number[];
  /**
   * Voltages in 0.1 V: `[U1]` (L–N) on 1-phase; L–N `[U1, U2, U3]` on 3-phase 4-wire (TN); on
   * 3-phase 3-wire (IT, no neutral) the line-to-line voltages `[U12, U23, U31]`, about 230 V each.
   */
  readonly voltagesDecivolt: readonly number[];
}

const QUARTER_MS = 900_000;

/** Value noise over anchors `periodMs` apart, smooth in between, about standard normal. */
function smoothNoise(seed: number, ms: number, periodMs: number, salt: number): number {
  const x = ms / periodMs;
  const k = Math.floor(x);
  const f = x - k;
  const s = f * f * (3 - 2 * f);
  return normal(seed, k | 0, Math.floor(k / 0x1_0000_0000), salt) * (1 - s) + normal(seed, (k + 1) | 0, Math.floor((k + 1) / 0x1_0000_0000), salt) * s;
}

/** Voltage (V) of one phase or line pair: the site's offset, a slow drift, and a drop under load. */
function voltage(p: LoadProfileParams, ms: number, phase: number, loadKw: number): number {
  const u = 230 + p.voltageOffsetV + 1.5 * normal(p.seed, 0x5a5e, phase) + 1.5 * smoothNoise(p.seed, ms, 60_000, 0x7017 + phase) - 0.3 * loadKw;
  return Math.min(253, Math.max(207, u));
}

/**
 * The instantaneous values of a meter at `instant`, consistent with its load profile: the power
 * is the current quarter-hour's average with a few per cent of second-to-second fluctuation
 * (deterministic: the same instant gives the same values), netted against PV; currents follow
 * from power, reactive power, voltage and the phase topology (a 3-wire IT meter's line currents
 * are the phasor differences of its three line-to-line loads); voltages are 230 V with the site's
 * offset, drift and load drop, within 230 V ± 10 % (EN 50160).
 */
export function instantaneous(subject: LoadSubject, instant: Date): InstantaneousValues {
  const p = paramsOf(subject);
  const ms = instant.getTime();
  if (Number.isNaN(ms)) throw new LoadModelError('INVALID_INSTANT', 'the instant is an invalid Date');
  const d = dayContaining(ms);
  const q = Math.floor((ms - d.startMs) / QUARTER_MS);
  let P = 0;
  let reactiveImport = 0;
  let reactiveExport = 0;
  if (d.day >= p.installDay) {
    // The quarter-hour's registered average (import minus export: the profile the HES reads),
    // with a smooth few-second wobble and a little per-second noise.
    const e = dayEnergy(p, d);
    const wiggle = Math.max(0.2, 1 + 0.1 * smoothNoise(p.seed, ms, 6_000, 1) + 0.03 * normal(p.seed, Math.floor(ms / 1000) | 0, 2));
    P = ((e.activeImportWh[q] as number) - (e.activeExportWh[q] as number)) * 4 * wiggle;
    reactiveImport = (e.reactiveImportVarh[q] as number) * 4 * wiggle;
    reactiveExport = (e.reactiveExportVarh[q] as number) * 4 * (1 + 0.03 * smoothNoise(p.seed, ms, 30_000, 4));
  }
  const Q = reactiveImport - reactiveExport;
  const round = Math.round;
  const base = {
    activeImportW: round(Math.max(0, P)),
    activeExportW: round(Math.max(0, -P)),
    reactiveImportVar: round(Math.max(0, Q)),
    reactiveExportVar: round(Math.max(0, -Q)),
    phases: p.phases,
  };
  const [s1, s2, s3] = p.phaseShares;
  switch (p.phases) {
    case '1p': {
      const u = voltage(p, ms, 0, Math.abs(P) / 1000);
      return { ...base, currentsMilliampere: [round((Math.hypot(P, Q) / u) * 1000)], voltagesDecivolt: [round(u * 10)] };
    }
    case '3p4w': {
      const shares = [s1, s2, s3];
      const volts = shares.map((s, k) => voltage(p, ms, k, (Math.abs(P) * s) / 1000));
      const amps = shares.map((s, k) => round(((Math.hypot(P * s, Q * s) / (volts[k] as number)) * 1000)));
      return { ...base, currentsMilliampere: amps, voltagesDecivolt: volts.map((u) => round(u * 10)) };
    }
    case '3p3w': {
      // Loads sit between line pairs L1–L2, L2–L3, L3–L1 (230 V IT). Branch current
      // I = conj(S / U) = (P − jQ)·e^{jθ} / |U| with θ = 30°, −90°, 150°; line currents are the
      // differences I1 = I12 − I31, I2 = I23 − I12, I3 = I31 − I23 (Kirchhoff at each terminal).
      const angles = [Math.PI / 6, -Math.PI / 2, (5 * Math.PI) / 6];
      const shares = [s1, s2, s3];
      const volts = shares.map((s, k) => voltage(p, ms, k, (Math.abs(P) * s) / 1000));
      const re: number[] = [];
      const im: number[] = [];
      for (let k = 0; k < 3; k++) {
        const s = shares[k] as number;
        const u = volts[k] as number;
        const a = angles[k] as number;
        const pr = P * s;
        const qr = -Q * s;
        re.push((pr * Math.cos(a) - qr * Math.sin(a)) / u);
        im.push((pr * Math.sin(a) + qr * Math.cos(a)) / u);
      }
      const line = (x: number, y: number) => round(Math.hypot((re[x] as number) - (re[y] as number), (im[x] as number) - (im[y] as number)) * 1000);
      return { ...base, currentsMilliampere: [line(0, 2), line(1, 0), line(2, 1)], voltagesDecivolt: volts.map((u) => round(u * 10)) };
    }
  }
}

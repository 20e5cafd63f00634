import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Prng, mutate } from './mutate.ts';

/** A decoder under fuzz: it may return anything or throw its module's typed error, nothing else. */
export interface FuzzTarget {
  readonly name: string;
  run(input: Uint8Array): unknown;
}

/** Whether a thrown value is the module's own typed error (e.g. `e instanceof DlmsError`). */
export type TypedErrorCheck = (e: unknown) => boolean;

export interface FuzzReport {
  readonly runs: number;
  readonly seed: number;
  /** Inputs per target that decoded to a value / gave a typed error. */
  readonly perTarget: Record<string, { ok: number; typedError: number }>;
  /** Slowest single input over all targets, in milliseconds. */
  readonly slowestMs: number;
  readonly heapGrowthMb: number;
}

export class FuzzFailure extends Error {
  override readonly name = 'FuzzFailure';
}

/**
 * Every hex string of 4+ bytes the fixture modules export (walked through nested objects and
 * arrays, so annotated fixtures written as `'C8' + // tag …` count whole), plus hex in .txt/.hex
 * files: the published vectors are the seeds that mutations start from, so mutated inputs reach
 * deep into the decoders.
 */
export async function loadSeedCorpus(fixturesDir: string): Promise<Uint8Array[]> {
  const seen = new Set<string>();
  const addHex = (text: string): void => {
    const hex = text.replace(/[\s:]/g, '');
    if (hex.length >= 8 && hex.length % 2 === 0 && /^[0-9A-Fa-f]+$/.test(hex)) seen.add(hex.toUpperCase());
  };
  const collect = (value: unknown, depth: number): void => {
    if (depth > 6) return;
    if (typeof value === 'string') addHex(value);
    else if (Array.isArray(value)) for (const v of value) collect(v, depth + 1);
    else if (value !== null && typeof value === 'object') for (const v of Object.values(value)) collect(v, depth + 1);
  };
  const walk = async (dir: string): Promise<void> => {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) await walk(p);
      else if (name.endsWith('.ts')) collect(await import(pathToFileURL(p).href), 0);
      else if (/\.(txt|hex)$/.test(name)) for (const m of readFileSync(p, 'utf8').matchAll(/(?:[0-9A-Fa-f]{2}[ :]?){4,}/g)) addHex(m[0]);
    }
  };
  await walk(fixturesDir);
  return [...seen].sort().map((h) => Uint8Array.from(Buffer.from(h, 'hex')));
}

/**
 * Feed `runs` inputs (a third purely random, some seeds unchanged, the rest mutations of corpus
 * seeds) to the targets in turn.
 * Throws FuzzFailure with the seed, index and input hex on the first untyped exception or on an
 * input that takes longer than `maxMsPerInput` (a hang in the making).
 */
export function runFuzz(
  targets: readonly FuzzTarget[],
  corpus: readonly Uint8Array[],
  { runs, seed = 0x0a35, maxMsPerInput = 250, isTypedError }: { runs: number; seed?: number; maxMsPerInput?: number; isTypedError: TypedErrorCheck },
): FuzzReport {
  const rng = new Prng(seed);
  const perTarget: Record<string, { ok: number; typedError: number }> = {};
  for (const t of targets) perTarget[t.name] = { ok: 0, typedError: 0 };
  let slowestMs = 0;
  const heapBefore = process.memoryUsage().heapUsed;
  const seeds = corpus.length > 0 ? corpus : [new Uint8Array(0)];
  for (let i = 0; i < runs; i++) {
    // A third random bytes; a few seeds as they are, so each target's success path runs too; the
    // rest mutated seeds, which reach past the first checks into the decoders' depths.
    const input = i % 3 === 0 ? rng.bytes(rng.int(300)) : rng.int(16) === 0 ? rng.pick(seeds) : mutate(rng.pick(seeds), rng, seeds);
    const target = targets[i % targets.length] as FuzzTarget;
    const stats = perTarget[target.name] as { ok: number; typedError: number };
    const t0 = performance.now();
    try {
      target.run(input);
      stats.ok++;
    } catch (e) {
      if (!isTypedError(e)) {
        const hex = Buffer.from(input).toString('hex');
        throw new FuzzFailure(`${target.name}: untyped ${String(e)} on input #${i} (seed ${seed}): ${hex}`, { cause: e });
      }
      stats.typedError++;
    }
    const ms = performance.now() - t0;
    if (ms > slowestMs) slowestMs = ms;
    if (ms > maxMsPerInput) {
      throw new FuzzFailure(`${target.name}: input #${i} (seed ${seed}) took ${ms.toFixed(0)} ms: ${Buffer.from(input).toString('hex')}`);
    }
  }
  const heapGrowthMb = (process.memoryUsage().heapUsed - heapBefore) / 2 ** 20;
  return { runs, seed, perTarget, slowestMs, heapGrowthMb };
}

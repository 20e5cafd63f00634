import { parseArgs } from 'node:util';
import { CoreError, MAX_METERING_POINT_SEQUENCE, meteringPointIdFromSequence, parseMeteringPointId } from '@openams/core';
import type { CliCommand, CliIo } from '../cli-io.ts';
import { EXIT } from '../cli-io.ts';
import { CliError } from '../cli-error.ts';

const USAGE = ['openams gsrn check <metering-point-id>', 'openams gsrn generate <sequence> [--count <n>]'];

function checkCmd(argv: readonly string[], io: CliIo): number {
  const { positionals } = parseArgs({ args: [...argv], options: {}, allowPositionals: true, strict: true });
  const text = positionals[0];
  if (positionals.length !== 1 || text === undefined) throw new CliError('give exactly one metering point id, e.g. 707057500000000018');
  parseMeteringPointId(text);
  io.stdout.write('valid\n');
  return EXIT.ok;
}

function generateCmd(argv: readonly string[], io: CliIo): number {
  const { positionals, values } = parseArgs({ args: [...argv], options: { count: { type: 'string' } }, allowPositionals: true, strict: true });
  const first = positionals[0];
  if (positionals.length !== 1 || first === undefined || !/^\d{1,8}$/.test(first)) {
    throw new CliError(`give one sequence number 0..${MAX_METERING_POINT_SEQUENCE}`);
  }
  const countText = values.count ?? '1';
  if (!/^\d{1,6}$/.test(countText) || Number(countText) < 1) throw new CliError(`--count must be a positive integer, got '${countText}'`);
  const start = Number(first);
  for (let i = 0; i < Number(countText); i++) io.stdout.write(`${meteringPointIdFromSequence(start + i)}\n`);
  return EXIT.ok;
}

const SUBCOMMANDS: Record<string, (argv: readonly string[], io: CliIo) => number> = {
  check: checkCmd,
  generate: generateCmd,
};

/**
 * `openams gsrn`: Norwegian metering-point ids (18-digit GSRN, prefix 707057500, GS1 check digit).
 * `check` prints `valid` (exit 0) or the reason it is not (exit 1, `INVALID_GSRN (<reason>): …`
 * on stderr); `generate` prints valid ids made from sequence numbers, for tests and simulation.
 */
export const gsrnCommand: CliCommand = {
  name: 'gsrn',
  summary: 'metering-point ids (GSRN): check one, generate test ids',
  usage: USAGE,
  run(argv, io) {
    const [sub, ...rest] = argv;
    if (sub === undefined || sub === '--help' || sub === '-h') {
      io.stdout.write(USAGE.map((u) => `  ${u}`).join('\n') + '\n');
      return sub === undefined ? EXIT.usage : EXIT.ok;
    }
    const fn = SUBCOMMANDS[sub];
    if (!fn) throw new CliError(`unknown subcommand '${sub}'`);
    try {
      return fn(rest, io);
    } catch (e) {
      if (e instanceof CoreError) {
        io.stderr.write(`openams gsrn ${sub}: ${e.code}${e.reason ? ` (${e.reason})` : ''}: ${e.message}\n`);
        return EXIT.refused;
      }
      throw e;
    }
  },
};

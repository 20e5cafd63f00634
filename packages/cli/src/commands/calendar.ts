import { parseArgs } from 'node:util';
import {
  CoreError,
  addBusinessDays,
  intervalsInOsloDay,
  isResolution,
  norwegianPublicHolidays,
  osloDayIntervals,
  osloWeekday,
  parseOsloDate,
  toOsloIso,
} from '@openams/core';
import type { CliCommand, CliIo } from '../cli-io.ts';
import { EXIT } from '../cli-io.ts';
import { CliError } from '../cli-error.ts';

const USAGE = [
  'openams calendar add-business-days --from <YYYY-MM-DD> --days <n>',
  'openams calendar intervals --date <YYYY-MM-DD> --resolution PT15M|PT60M [--list]',
  'openams calendar holidays --year <YYYY>',
];

const WEEKDAYS = ['', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

function required(values: Record<string, unknown>, name: string): string {
  const v = values[name];
  if (typeof v !== 'string' || v === '') throw new CliError(`--${name} is required`);
  return v;
}

function integer(text: string, name: string): number {
  if (!/^[+-]?\d{1,6}$/.test(text)) throw new CliError(`--${name} must be an integer, got '${text}'`);
  return Number(text);
}

/** `--days -3` reads as a negative number, not as an unknown flag `-3`. */
function joinNegativeValues(argv: readonly string[], names: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const next = argv[i + 1];
    if (names.includes(arg) && next !== undefined && /^-\d+$/.test(next)) {
      out.push(`${arg}=${next}`);
      i++;
    } else {
      out.push(arg);
    }
  }
  return out;
}

function addBusinessDaysCmd(argv: readonly string[], io: CliIo): number {
  const { values } = parseArgs({ args: joinNegativeValues(argv, ['--days']), options: { from: { type: 'string' }, days: { type: 'string' } }, strict: true });
  const from = parseOsloDate(required(values, 'from'));
  const days = integer(required(values, 'days'), 'days');
  io.stdout.write(`${addBusinessDays(from, days)}\n`);
  return EXIT.ok;
}

function intervalsCmd(argv: readonly string[], io: CliIo): number {
  const { values } = parseArgs({
    args: [...argv],
    options: { date: { type: 'string' }, resolution: { type: 'string' }, list: { type: 'boolean', default: false } },
    strict: true,
  });
  const date = parseOsloDate(required(values, 'date'));
  const resolution = required(values, 'resolution');
  if (!isResolution(resolution)) throw new CliError(`--resolution must be PT15M or PT60M, got '${resolution}'`);
  if (!values.list) {
    io.stdout.write(`${intervalsInOsloDay(date, resolution)}\n`);
    return EXIT.ok;
  }
  // One line per interval: position, UTC start and end, and the local start with its offset —
  // on the autumn DST day the local times 02:00–02:45 appear twice, once at +02:00, once at +01:00.
  for (const i of osloDayIntervals(date, resolution)) {
    io.stdout.write(`${String(i.position).padStart(3)}  ${i.start.toISOString().replace('.000', '')}  ${i.end.toISOString().replace('.000', '')}  ${toOsloIso(i.start)}\n`);
  }
  return EXIT.ok;
}

function holidaysCmd(argv: readonly string[], io: CliIo): number {
  const { values } = parseArgs({ args: [...argv], options: { year: { type: 'string' } }, strict: true });
  const year = integer(required(values, 'year'), 'year');
  for (const h of norwegianPublicHolidays(year)) io.stdout.write(`${h.date}  ${WEEKDAYS[osloWeekday(h.date)]}  ${h.name} (${h.englishName})\n`);
  return EXIT.ok;
}

const SUBCOMMANDS: Record<string, (argv: readonly string[], io: CliIo) => number> = {
  'add-business-days': addBusinessDaysCmd,
  intervals: intervalsCmd,
  holidays: holidaysCmd,
};

/**
 * `openams calendar`: the Europe/Oslo calendar of `@openams/core` for operators and tests —
 * business days (weekends and Norwegian public holidays excluded), interval counts of DST days,
 * the public holidays of a year. A date that does not exist is refused with exit 1.
 */
export const calendarCommand: CliCommand = {
  name: 'calendar',
  summary: 'Europe/Oslo calendar: business days, intervals of a day (DST), public holidays',
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
        io.stderr.write(`openams calendar ${sub}: ${e.code}: ${e.message}\n`);
        return EXIT.refused;
      }
      throw e;
    }
  },
};

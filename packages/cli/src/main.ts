import type { CliCommand, CliIo } from './cli-io.ts';
import { EXIT } from './cli-io.ts';
import { CliError } from './cli-error.ts';
import { calendarCommand } from './commands/calendar.ts';
import { dlmsCommand } from './commands/dlms.ts';
import { gsrnCommand } from './commands/gsrn.ts';
import { hanCommand } from './commands/han.ts';
import { simCommand } from './commands/sim.ts';
import { startCommand } from './commands/start.ts';

/** Every subcommand; each package adds its own here. */
export const COMMANDS: readonly CliCommand[] = [startCommand, dlmsCommand, hanCommand, simCommand, calendarCommand, gsrnCommand];

export function helpText(): string {
  const lines = [
    'openams — open, secure-by-design software for smart electricity meters (AMS)',
    '',
    'Usage: openams <command> [options]',
    '',
    'Commands:',
  ];
  for (const c of COMMANDS) {
    lines.push(`  ${c.name.padEnd(10)} ${c.summary}`);
    for (const u of c.usage) lines.push(`      ${u}`);
  }
  lines.push('', 'Run `openams <command> --help` for details. Exit codes: 0 ok, 1 input refused, 2 usage error.');
  return lines.join('\n') + '\n';
}

/** Runs the command line `argv` (without `node` and the script) and returns the exit code. */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(helpText());
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  if (name === '--version') {
    io.stdout.write('openams 0.1.0\n');
    return EXIT.ok;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    io.stderr.write(`openams: unknown command '${name}'\n\n${helpText()}`);
    return EXIT.usage;
  }
  try {
    return await command.run(rest, io);
  } catch (e) {
    if (e instanceof CliError) {
      io.stderr.write(`openams ${command.name}: ${e.message}\n`);
      for (const u of command.usage) io.stderr.write(`  usage: ${u}\n`);
      return EXIT.usage;
    }
    if (e instanceof TypeError && 'code' in e && typeof e.code === 'string' && e.code.startsWith('ERR_PARSE_ARGS')) {
      io.stderr.write(`openams ${command.name}: ${e.message}\n`);
      for (const u of command.usage) io.stderr.write(`  usage: ${u}\n`);
      return EXIT.usage;
    }
    throw e;
  }
}

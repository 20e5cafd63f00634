import { parseArgs } from 'node:util';
import {
  DlmsError,
  bytesToHex,
  describeObis,
  formatObis,
  formatTranslation,
  hexToBytes,
  hlsGmacResponse,
  parseObis,
  protectApdu,
  decodeSecurityControl,
  translate,
  translationToJson,
} from '@openams/dlms';
import type { TranslateKeys } from '@openams/dlms';
import type { CliCommand, CliIo } from '../cli-io.ts';
import { EXIT } from '../cli-io.ts';
import { CliError } from '../cli-error.ts';

const USAGE = [
  'openams dlms translate --hex <hex> [--ek <hex> --ak <hex> --system-title <hex>] [--json]',
  'openams dlms encrypt --hex <plain-apdu> --ek <hex> --ak <hex> --system-title <hex> --ic <n> [--sc <hex>] [--ded]',
  'openams dlms hls-gmac --ek <hex> --ak <hex> --system-title <hex> --ic <n> --challenge <hex> [--sc <hex>]',
  'openams dlms obis <code>',
];

function required(values: Record<string, unknown>, name: string): string {
  const v = values[name];
  if (typeof v !== 'string' || v === '') throw new CliError(`--${name} is required`);
  return v;
}

function hexFlag(values: Record<string, unknown>, name: string): Uint8Array | undefined {
  const v = values[name];
  return typeof v === 'string' ? hexToBytes(v) : undefined;
}

function counter(text: string): number {
  const n = /^0x[0-9a-f]+$/i.test(text) ? Number.parseInt(text.slice(2), 16) : /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new CliError(`--ic must be an integer 0..4294967295 (decimal or 0x-hex), got '${text}'`);
  return n;
}

function securityControl(values: Record<string, unknown>, fallback: number): number {
  const sc = hexFlag(values, 'sc');
  if (!sc) return fallback;
  if (sc.length !== 1) throw new CliError('--sc is one byte of hex, e.g. 30');
  return sc[0] as number;
}

function translateCmd(argv: readonly string[], io: CliIo): number {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      hex: { type: 'string' },
      ek: { type: 'string' },
      ak: { type: 'string' },
      'system-title': { type: 'string' },
      json: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const input = hexToBytes(required(values, 'hex'));
  const ek = hexFlag(values, 'ek');
  const ak = hexFlag(values, 'ak');
  const systemTitle = hexFlag(values, 'system-title');
  if (!ek && (ak || systemTitle)) throw new CliError('--ak and --system-title need --ek as well');
  const keys: TranslateKeys | undefined = ek
    ? { encryptionKey: ek, ...(ak ? { authenticationKey: ak } : {}), ...(systemTitle ? { systemTitle } : {}) }
    : undefined;
  const result = translate(input, keys ? { keys } : {});
  io.stdout.write(values.json ? JSON.stringify(translationToJson(result), null, 2) + '\n' : formatTranslation(result));
  return EXIT.ok;
}

function encryptCmd(argv: readonly string[], io: CliIo): number {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      hex: { type: 'string' },
      ek: { type: 'string' },
      ak: { type: 'string' },
      'system-title': { type: 'string' },
      ic: { type: 'string' },
      sc: { type: 'string' },
      ded: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const plain = hexToBytes(required(values, 'hex'));
  const out = protectApdu(plain, {
    kind: values.ded ? 'ded' : 'glo',
    securityControl: decodeSecurityControl(securityControl(values, 0x30)),
    systemTitle: hexToBytes(required(values, 'system-title')),
    invocationCounter: counter(required(values, 'ic')),
    encryptionKey: hexToBytes(required(values, 'ek')),
    authenticationKey: hexToBytes(required(values, 'ak')),
  });
  io.stdout.write(bytesToHex(out) + '\n');
  return EXIT.ok;
}

function hlsGmacCmd(argv: readonly string[], io: CliIo): number {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      ek: { type: 'string' },
      ak: { type: 'string' },
      'system-title': { type: 'string' },
      ic: { type: 'string' },
      challenge: { type: 'string' },
      sc: { type: 'string' },
    },
    strict: true,
  });
  const out = hlsGmacResponse({
    systemTitle: hexToBytes(required(values, 'system-title')),
    invocationCounter: counter(required(values, 'ic')),
    challenge: hexToBytes(required(values, 'challenge')),
    encryptionKey: hexToBytes(required(values, 'ek')),
    authenticationKey: hexToBytes(required(values, 'ak')),
    securityControl: securityControl(values, 0x10),
  });
  io.stdout.write(bytesToHex(out) + '\n');
  return EXIT.ok;
}

function obisCmd(argv: readonly string[], io: CliIo): number {
  const { positionals, values } = parseArgs({ args: [...argv], options: { json: { type: 'boolean', default: false } }, allowPositionals: true, strict: true });
  const text = positionals[0];
  if (positionals.length !== 1 || text === undefined) throw new CliError('give exactly one OBIS code, e.g. 1-0:1.8.0.255');
  const obis = parseObis(text);
  const d = describeObis(obis);
  if (values.json) {
    io.stdout.write(JSON.stringify({ obis: formatObis(obis), dotted: formatObis(obis, 'dotted'), ...(d ?? {}) }, null, 2) + '\n');
  } else {
    io.stdout.write(`${formatObis(obis)}  ${d ? d.name : '(no name known)'}${d?.unit ? `  [${d.unit.symbol}]` : ''}\n`);
  }
  return EXIT.ok;
}

const SUBCOMMANDS: Record<string, (argv: readonly string[], io: CliIo) => number> = {
  translate: translateCmd,
  encrypt: encryptCmd,
  'hls-gmac': hlsGmacCmd,
  obis: obisCmd,
};

export const dlmsCommand: CliCommand = {
  name: 'dlms',
  summary: 'DLMS/COSEM debugging: translate frames, encrypt APDUs, HLS-GMAC, OBIS names',
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
      if (e instanceof DlmsError) {
        io.stderr.write(`openams dlms ${sub}: ${e.code}: ${e.message}\n`);
        return EXIT.refused;
      }
      throw e;
    }
  },
};

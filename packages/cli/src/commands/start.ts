import { formatTranslation, hexToBytes, translate } from '@openams/dlms';
import type { CliCommand } from '../cli-io.ts';
import { EXIT } from '../cli-io.ts';

/**
 * The tour's sample: the Green Book's AES-GCM example (DLMS UA 1000-2, "glo-get-request" with
 * EK 000102…0F, AK D0…DF, system title 4D4D4D0000BC614E, IC 0x01234567), as reproduced in
 * packages/dlms/test/fixtures/security/green-book-suite0.ts.
 */
export const TOUR_SAMPLE = {
  hex: 'C81E3001234567411312FF935A47566827C467BC7D825C3BE4A77C3FCC056B6B',
  ek: '000102030405060708090A0B0C0D0E0F',
  ak: 'D0D1D2D3D4D5D6D7D8D9DADBDCDDDEDF',
  systemTitle: '4D4D4D0000BC614E',
} as const;

/**
 * `openams start`: the main job. Until the central system exists (a later issue), it prints the
 * command's help and a short tour of `openams dlms translate`.
 */
export const startCommand: CliCommand = {
  name: 'start',
  summary: 'run openams on embedded defaults (today: help and a tour of the DLMS translator)',
  usage: ['openams start'],
  async run(_argv, io) {
    const { helpText } = await import('../main.ts');
    io.stdout.write(helpText());
    io.stdout.write(
      [
        '',
        'Tour: a ciphered GET request from the DLMS Green Book, deciphered with its published keys:',
        '',
        `  openams dlms translate --hex ${TOUR_SAMPLE.hex} \\`,
        `    --ek ${TOUR_SAMPLE.ek} --ak ${TOUR_SAMPLE.ak} --system-title ${TOUR_SAMPLE.systemTitle}`,
        '',
      ].join('\n'),
    );
    const result = translate(hexToBytes(TOUR_SAMPLE.hex), {
      keys: {
        encryptionKey: hexToBytes(TOUR_SAMPLE.ek),
        authenticationKey: hexToBytes(TOUR_SAMPLE.ak),
        systemTitle: hexToBytes(TOUR_SAMPLE.systemTitle),
      },
    });
    io.stdout.write(formatTranslation(result).replace(/^/gm, '  ') + '\n');
    io.stdout.write('Add --json for machine-readable output; drop the keys to see only the envelope.\n');
    return EXIT.ok;
  },
};

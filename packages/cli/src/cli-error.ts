/** A usage mistake on the command line (unknown flag, missing value); printed with the usage. */
export class CliError extends Error {
  override readonly name = 'CliError';
  readonly code = 'USAGE' as const;
}

/** Where a command writes. `main()` gets the process streams; tests pass string collectors. */
export interface CliIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
}

/** A command: parses its own flags and returns the process exit code. */
export interface CliCommand {
  readonly name: string;
  readonly summary: string;
  /** Lines shown under the command in `openams --help`. */
  readonly usage: readonly string[];
  run(argv: readonly string[], io: CliIo): number | Promise<number>;
}

/** Exit codes: 0 success, 1 the input was refused (decode error, invalid id), 2 wrong usage. */
export const EXIT = { ok: 0, refused: 1, usage: 2 } as const;

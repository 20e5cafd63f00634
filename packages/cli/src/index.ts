export { main, helpText, COMMANDS } from './main.ts';
export type { CliCommand, CliIo } from './cli-io.ts';
export { EXIT } from './cli-io.ts';

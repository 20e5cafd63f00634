#!/usr/bin/env node
// Registers tsx so the TypeScript sources run as they are (no build step), then hands over.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/main.ts');
process.exitCode = await main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr });

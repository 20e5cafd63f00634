// `npm run bench -- <name>`: runs bench/<name>.bench.ts. Each bench prints its figures and ends
// with one JSON line {"bench":"<name>", …, "ratio": …}.
import { readdirSync } from 'node:fs';

const dir = new URL('.', import.meta.url);
const available = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .map((f) => f.slice(0, -'.bench.ts'.length))
  .sort();
const name = process.argv[2];
if (!name || !available.includes(name)) {
  console.error(`usage: npm run bench -- <name>\navailable: ${available.join(', ')}`);
  process.exit(2);
}
const mod = (await import(new URL(`./${name}.bench.ts`, dir).href)) as { run(): Promise<void> | void };
await mod.run();

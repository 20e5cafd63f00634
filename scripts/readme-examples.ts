import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

/** One ```ts block of a README, with the output its `console.log(…); // expected` comments promise. */
export interface ReadmeExample {
  readonly index: number;
  readonly code: string;
  /** Texts stdout must contain: each `// comment` after a console.log that has no `…` in it. */
  readonly expected: readonly string[];
}

export function readmeExamples(readmePath: string): ReadmeExample[] {
  const text = readFileSync(readmePath, 'utf8');
  return [...text.matchAll(/```ts\n([\s\S]*?)```/g)].map((m, index) => {
    const code = m[1] ?? '';
    const expected = [...code.matchAll(/console\.log\(.*\);\s*\/\/ (.+)$/gm)].map((c) => (c[1] ?? '').trim()).filter((c) => !c.includes('…'));
    return { index, code, expected };
  });
}

/**
 * Runs one README example as a module inside the package folder (so the package's own name
 * resolves through the workspace) and returns what it printed. Throws when it exits non-zero.
 */
export async function runReadmeExample(packageDir: string, example: ReadmeExample): Promise<string> {
  const dir = mkdtempSync(join(packageDir, '.readme-example-'));
  const file = join(dir, `example-${example.index}.ts`);
  writeFileSync(file, example.code);
  try {
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', file], { cwd: dirname(file), timeout: 60_000 });
    return stdout;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

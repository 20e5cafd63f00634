// Lint setup: typescript-eslint with type information, plus the package boundaries of
// docs/architecture.md ("arrows point down the table") as import restrictions.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Workspace packages each package may import at runtime (architecture.md, "may depend on"). */
const allowed = {
  dlms: [],
  core: [],
  'dlms-session': ['dlms'],
  han: ['dlms', 'core'],
  'meter-sim': ['dlms', 'dlms-session', 'core'],
  cli: ['*'],
};
const all = ['dlms', 'core', 'dlms-session', 'han', 'meter-sim', 'cli'];

function boundaryRules(pkg) {
  const ok = allowed[pkg];
  const forbidden = ok.includes('*') ? [] : all.filter((p) => p !== pkg && !ok.includes(p));
  return {
    files: [`packages/${pkg}/**/*.ts`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@openams/*/src/*', '**/packages/*/src/**', '**/apps/**'], message: 'Import another package through its index (its package name), never its files; packages never import apps.' },
            ...(forbidden.length
              ? [{ group: forbidden.map((p) => `@openams/${p}`), message: `architecture.md: packages/${pkg} may not depend on this package.` }]
              : []),
          ],
        },
      ],
    },
  };
}

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', 'eslint.config.js', 'scripts/*.mjs', 'packages/*/bin/*.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/only-throw-error': 'error',
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  {
    // Test files: node:test's `test()` returns a promise that the runner tracks itself.
    files: ['**/*.test.ts', '**/*.fuzz.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-floating-promises': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
    },
  },
  ...Object.keys(allowed).map(boundaryRules),
);

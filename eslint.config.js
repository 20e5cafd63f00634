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

/** What each app may import (architecture.md): packages only, never another app. */
const appAllowed = {
  central: ['dlms', 'dlms-session', 'core', 'meter-sim'],
  datahub: ['core'],
  web: ['core'],
};

function appBoundaryRules(app, ok) {
  const forbiddenPackages = all.filter((p) => !ok.includes(p));
  const otherApps = Object.keys(appAllowed).filter((a) => a !== app);
  return {
    files: [`apps/${app}/**/*.ts`, `apps/${app}/**/*.tsx`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@openams/*/src/*', '**/packages/*/src/**'], message: 'Import a package through its index (its package name), never its files.' },
            { group: [...otherApps.map((a) => `@openams/${a}`), ...otherApps.map((a) => `**/apps/${a}/**`)], message: 'architecture.md: an app never imports another app; talk over HTTP.' },
            ...(forbiddenPackages.length ? [{ group: forbiddenPackages.map((p) => `@openams/${p}`), message: `architecture.md: apps/${app} may not depend on this package.` }] : []),
          ],
        },
      ],
    },
  };
}

/** Extra packages a package's tests may import (interop tests: the simulator's HAN frames must decode with @openams/han). */
const testAllowed = { 'meter-sim': ['han'] };

function boundaryRules(pkg, tests = false) {
  const ok = tests ? [...allowed[pkg], ...(testAllowed[pkg] ?? [])] : allowed[pkg];
  const forbidden = ok.includes('*') ? [] : all.filter((p) => p !== pkg && !ok.includes(p));
  return {
    files: tests ? [`packages/${pkg}/**/*.test.ts`, `packages/${pkg}/test/**/*.ts`] : [`packages/${pkg}/**/*.ts`],
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
  ...Object.keys(allowed).map((pkg) => boundaryRules(pkg)),
  ...Object.keys(testAllowed).map((pkg) => boundaryRules(pkg, true)),
  ...Object.entries(appAllowed).map(([app, ok]) => appBoundaryRules(app, ok)),
);

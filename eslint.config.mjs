// Lint for what the type checker does not catch: typescript-eslint's type-checked recommended
// rules (unsafe `any`, promises nobody awaits, needless assertions), switches that miss a case,
// type-only imports; for the packages and the tests alike. Formatting is Prettier's job.
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      '**/*.test-d.ts',
      '**/*.config.ts',
      'examples/**',
      '**/*.mjs',
    ],
  },
  {
    files: ['packages/*/src/**/*.ts', 'tests/**/*.ts'],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      '@typescript-eslint/switch-exhaustiveness-check': [
        'error',
        { considerDefaultExhaustiveForUnions: true },
      ],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      // An `async` method without `await` is how an interface's promise is met here; the rule's
      // way out (`return Promise.resolve(...)`) says the same thing less plainly.
      '@typescript-eslint/require-await': 'off',
      // Rejecting with an AbortSignal's reason (typed `any`) is the platform's own convention.
      '@typescript-eslint/prefer-promise-reject-errors': [
        'error',
        { allowThrowingAny: true, allowThrowingUnknown: true },
      ],
    },
  },
  {
    files: ['**/*.test.ts', 'tests/**/*.ts'],
    rules: {
      // vitest's asymmetric matchers (`expect.stringMatching(...)`) are typed `any`.
      '@typescript-eslint/no-unsafe-assignment': 'off',
      // `ws` types a message as Buffer | ArrayBuffer | Buffer[]; on Node it is a Buffer, which the
      // tests read as text.
      '@typescript-eslint/no-base-to-string': 'off',
    },
  },
);

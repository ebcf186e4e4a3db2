// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'data/', 'node_modules/', '.cache/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['*.js', 'scripts/*.mjs'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': [
        'error',
        {
          selector: "MemberExpression[object.name='process'][property.name='env']",
          message: 'Read configuration through src/config.ts only.',
        },
      ],
    },
  },
  {
    files: ['src/config.ts', 'test/**', 'bench/**', 'scripts/**', 'eslint.config.js'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  // Fastify plugins and handlers are async by contract (the returned promise says "done"), with or
  // without an await inside.
  { rules: { '@typescript-eslint/require-await': 'off' } },
  // mongoose declares SchemaTypeOptions as a class and @fastify/websocket hands out ws sockets typed
  // through its own import of ws: this rule flags every schema literal and every socket.
  { rules: { '@typescript-eslint/no-unsafe-class-instance-assignment': 'off' } },
  { files: ['scripts/**/*.mjs'], languageOptions: { globals: { console: 'readonly', process: 'readonly' } } },
  // node:test's describe/it return promises the runner itself awaits.
  { files: ['test/**'], rules: { '@typescript-eslint/no-floating-promises': 'off' } },
  { files: ['**/*.js', '**/*.mjs'], ...tseslint.configs.disableTypeChecked },
);

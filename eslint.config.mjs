import tsParser from '@typescript-eslint/parser';
import architecture from './tools/lint/architecture.mjs';

// Only the rules the team agreed on: the dependency rules of docs/architecture.md. Formatting is Prettier's job.
export default [
  { ignores: ['dist/**', 'node_modules/**', '.services/**', 'coverage/**', '**/*.js', '**/*.mjs', '**/*.d.ts'] },
  {
    files: ['**/*.ts'],
    languageOptions: { parser: tsParser, ecmaVersion: 2022, sourceType: 'module' },
    plugins: { architecture },
    rules: { 'architecture/boundaries': 'error' },
  },
];

import tsParser from '@typescript-eslint/parser';
import architecture from './tools/lint/architecture.mjs';

// Only the rules the team agreed on: the dependency rules of docs/architecture.md and the line width.
// Formatting is Prettier's job (`npm run format`).
export default [
  { ignores: ['dist/**', 'node_modules/**', '.services/**', 'coverage/**', '**/*.js', '**/*.mjs', '**/*.d.ts'] },
  {
    files: ['**/*.ts'],
    languageOptions: { parser: tsParser, ecmaVersion: 2022, sourceType: 'module' },
    plugins: { architecture },
    rules: {
      'architecture/boundaries': 'error',
      // Prettier wraps code at 120 columns; comments are held to it here. Long strings (API descriptions, messages,
      // test names) stay whole, so they can be searched for.
      'max-len': [
        'error',
        { code: 120, ignoreStrings: true, ignoreTemplateLiterals: true, ignoreRegExpLiterals: true, ignoreUrls: true },
      ],
    },
  },
];

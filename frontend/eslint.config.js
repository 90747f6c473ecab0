// ESLint for the portal SPA: typescript-eslint (strict), React hooks, jsx-a11y, and the house
// layout rules of STYLE.md (bulletproof-react): kebab-case file names, `@/` imports instead of
// `../`, no barrel (index) files, features never import each other, and shared code
// (components, lib, config) never imports features or the app.
import { readdirSync } from 'node:fs';
import path from 'node:path';

import js from '@eslint/js';
import jsxA11y from 'eslint-plugin-jsx-a11y';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const features = readdirSync(new URL('./src/features', import.meta.url), { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name);

/** Local rules: file naming and no barrels. */
const house = {
  rules: {
    'kebab-case-files': {
      meta: { type: 'suggestion', schema: [] },
      create(context) {
        return {
          Program(node) {
            const base = path.basename(context.filename);
            if (!/^[a-z0-9]+(-[a-z0-9]+)*(\.[a-z0-9]+(-[a-z0-9]+)*)*$/.test(base)) {
              context.report({ node, message: `File name "${base}" is not kebab-case.` });
            }
          },
        };
      },
    },
    'no-barrel-files': {
      meta: { type: 'suggestion', schema: [] },
      create(context) {
        return {
          Program(node) {
            if (/^index\.(ts|tsx|js|jsx)$/.test(path.basename(context.filename))) {
              context.report({ node, message: 'No barrel (index) files: import modules by their own path.' });
            }
          },
        };
      },
    },
  },
};

const relativeParent = { group: ['../*', '..'], message: 'Import with the @/ alias instead of ../' };

export default tseslint.config(
  { ignores: ['dist', 'node_modules', 'e2e/artifacts', 'src/lib/api/schema.d.ts'] },
  {
    files: ['**/*.{js,mjs}'],
    extends: [js.configs.recommended],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    // The e2e script runs in Node but hands some callbacks to the page (page.evaluate).
    files: ['e2e/**/*.mjs'],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
  },
  {
    files: ['src/**/*.{ts,tsx}', 'vite.config.ts'],
    extends: [js.configs.recommended, ...tseslint.configs.strict, ...tseslint.configs.stylistic],
    plugins: { 'react-hooks': reactHooks, 'jsx-a11y': jsxA11y, house },
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      ...reactHooks.configs.recommended.rules,
      ...jsxA11y.flatConfigs.recommended.rules,
      'house/kebab-case-files': 'error',
      'house/no-barrel-files': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-restricted-imports': ['error', { patterns: [relativeParent] }],
      eqeqeq: ['error', 'always'],
      'no-console': ['error', { allow: ['error', 'warn'] }],
    },
  },
  // Shared code must not reach into features or the app.
  {
    files: ['src/components/**', 'src/lib/**', 'src/config/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            relativeParent,
            { group: ['@/features/*', '@/app/*'], message: 'Shared code must not import features or the app.' },
          ],
        },
      ],
    },
  },
  // A feature imports shared code and itself, never another feature (compose them in src/app).
  ...features.map((feature) => ({
    files: [`src/features/${feature}/**`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            relativeParent,
            {
              group: ['@/features/*', `!@/features/${feature}`, `!@/features/${feature}/*`, '@/app/*'],
              message: 'Features do not import other features or the app; compose them in src/app.',
            },
          ],
        },
      ],
    },
  })),
  {
    files: ['src/**/*.test.{ts,tsx}', 'src/testing/**'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
);

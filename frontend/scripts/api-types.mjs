// Generates src/lib/api/schema.d.ts from ../openapi/portal.json with openapi-typescript, or,
// with --check, fails when the committed file differs from what the spec generates now.
//
//   npm run api:generate   write the types (commit the result)
//   npm run api:check      exit 1 when they drifted from the spec
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const spec = resolve(root, '../openapi/portal.json');
const committed = resolve(root, 'src/lib/api/schema.d.ts');
const cli = resolve(root, 'node_modules/openapi-typescript/bin/cli.js');
const check = process.argv.includes('--check');

function generate(out) {
  execFileSync(process.execPath, [cli, spec, '--output', out], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
}

if (!check) {
  generate(committed);
  console.log(`api:generate: wrote ${committed.slice(root.length + 1)} from ../openapi/portal.json`);
} else {
  const dir = mkdtempSync(join(tmpdir(), 'ordinavo-api-types-'));
  try {
    const fresh = join(dir, 'schema.d.ts');
    generate(fresh);
    let current = '';
    try {
      current = readFileSync(committed, 'utf8');
    } catch {
      // missing counts as drift
    }
    if (current !== readFileSync(fresh, 'utf8')) {
      console.error(
        'api:check: src/lib/api/schema.d.ts does not match ../openapi/portal.json.\n' +
          'Run `npm run api:generate` in frontend/ and commit the result.',
      );
      process.exit(1);
    }
    console.log('api:check: src/lib/api/schema.d.ts matches ../openapi/portal.json');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

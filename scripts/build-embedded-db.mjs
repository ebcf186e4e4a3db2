#!/usr/bin/env node
// Builds the embedded database (FerretDB on SQLite, src/store/embedded-db) into .cache/embedded-db.
// Cached: the build is skipped when the Go sources, go.sum and the Go version are unchanged.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const source = path.join(root, 'src/store/embedded-db');
const outDir = path.join(root, '.cache/embedded-db');
const binary = path.join(outDir, 'embedded-db');
const stampFile = path.join(outDir, 'stamp');

let goVersion;
try {
  goVersion = execFileSync('go', ['version'], { encoding: 'utf8' }).trim();
} catch {
  console.error('build:db needs Go >= 1.24 on PATH (https://go.dev/doc/install); it was not found.');
  process.exit(1);
}

const hash = createHash('sha256').update(goVersion);
for (const file of ['go.mod', 'go.sum', 'main.go']) hash.update(readFileSync(path.join(source, file)));
const stamp = hash.digest('hex');

if (existsSync(binary) && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp) {
  console.log(`embedded database: cached build at ${path.relative(root, binary)}`);
  process.exit(0);
}

mkdirSync(outDir, { recursive: true });
console.log('embedded database: building FerretDB (first time takes about a minute)…');
const started = Date.now();
execFileSync('go', ['build', '-trimpath', '-mod=readonly', '-o', `${binary}.tmp`, '.'], {
  cwd: source,
  stdio: 'inherit',
  env: { ...process.env, CGO_ENABLED: '0', GOTOOLCHAIN: 'local', GOFLAGS: '' },
});
renameSync(`${binary}.tmp`, binary);
writeFileSync(stampFile, stamp);
console.log(`embedded database: built in ${((Date.now() - started) / 1000).toFixed(1)} s`);

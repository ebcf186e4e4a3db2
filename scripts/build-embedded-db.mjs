#!/usr/bin/env node
// Builds the embedded database (FerretDB on SQLite, src/store/embedded-db) into .cache/embedded-db.
//
// FerretDB comes from the Go module proxy at the version in go.mod; the patches in
// src/store/embedded-db/patches are applied to a copy of it before building (see their headers).
// Cached: the build is skipped when the Go sources, go.sum, the patches and the Go version are
// unchanged.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const source = path.join(root, 'src/store/embedded-db');
const patchDir = path.join(source, 'patches');
const outDir = path.join(root, '.cache/embedded-db');
const binary = path.join(outDir, 'embedded-db');
const stampFile = path.join(outDir, 'stamp');
const goEnv = { ...process.env, CGO_ENABLED: '0', GOTOOLCHAIN: 'local', GOFLAGS: '' };

const go = (args, cwd) => execFileSync('go', args, { cwd, env: goEnv, encoding: 'utf8' });

let goVersion;
try {
  goVersion = go(['version'], root).trim();
} catch {
  console.error('build:db needs Go >= 1.24 on PATH; it was not found.');
  process.exit(1);
}

const patches = readdirSync(patchDir)
  .filter((f) => f.endsWith('.patch'))
  .sort();
const hash = createHash('sha256').update(goVersion);
for (const file of ['go.mod', 'go.sum', 'main.go']) hash.update(readFileSync(path.join(source, file)));
for (const file of patches) hash.update(readFileSync(path.join(patchDir, file)));
const stamp = hash.digest('hex');

if (existsSync(binary) && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp) {
  console.log(`embedded database: cached build at ${path.relative(root, binary)}`);
  process.exit(0);
}

console.log('embedded database: building FerretDB (first time takes about a minute)…');
const started = Date.now();
const work = path.join(outDir, 'work');
rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });

// 1. A writable copy of the FerretDB module, patched.
const module = JSON.parse(go(['mod', 'download', '-json', 'github.com/FerretDB/FerretDB'], source));
const ferretdb = path.join(work, 'ferretdb');
cpSync(module.Dir, ferretdb, { recursive: true });
execFileSync('chmod', ['-R', 'u+w', ferretdb]);
for (const file of patches) {
  // git apply works outside a repository and fails loudly when a patch does not fit. The copy is
  // inside our repository (.cache), where git apply would take `diff --git` paths as relative to
  // our root and skip them without an error: the ceiling keeps it from finding our repository.
  execFileSync('git', ['apply', '-p1', path.join(patchDir, file)], {
    cwd: ferretdb,
    env: { ...process.env, GIT_CEILING_DIRECTORIES: work },
    stdio: 'inherit',
  });
  console.log(`embedded database: applied ${file} to FerretDB ${module.Version}`);
}

// 2. Our program, built against the patched copy.
const program = path.join(work, 'program');
mkdirSync(program);
for (const file of ['go.mod', 'go.sum', 'main.go']) cpSync(path.join(source, file), path.join(program, file));
go(['mod', 'edit', `-replace=github.com/FerretDB/FerretDB=${ferretdb}`], program);
execFileSync('go', ['build', '-trimpath', '-mod=mod', '-o', `${binary}.tmp`, '.'], {
  cwd: program,
  env: goEnv,
  stdio: 'inherit',
});
renameSync(`${binary}.tmp`, binary);
writeFileSync(stampFile, stamp);
rmSync(work, { recursive: true, force: true });
console.log(`embedded database: built in ${((Date.now() - started) / 1000).toFixed(1)} s`);

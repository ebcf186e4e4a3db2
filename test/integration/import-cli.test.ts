import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import mongoose from 'mongoose';
import { loadConfig } from '../../src/config.js';
import { openStore } from '../../src/store/store.js';
import type { ImportReport } from '../../src/subsidies/import-report.js';
import { externalMongo } from '../helpers/hub.js';

/** Runs an npm script of the project as a user would, on this test's own DATA_DIR and database. */
function npm(
  env: Record<string, string>,
  ...args: string[]
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', ['run', '-s', ...args], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      resolve({ code, stdout, stderr });
    });
  });
}

describe('npm run import (the CLI as a child process)', () => {
  let dataDir: string;
  let env: Record<string, string>;
  before(() => {
    const id = randomBytes(4).toString('hex');
    dataDir = mkdtempSync(path.join(tmpdir(), `hub-import-${id}-`));
    env = {
      DATA_DIR: dataDir,
      MONGODB_DB: `hubtest_import_${id}`,
      EMBEDDED_DB_PORT: '0',
      ...(externalMongo ? { MONGODB_URI: externalMongo } : {}),
    };
  });
  after(async () => {
    if (externalMongo) {
      const connection = await mongoose
        .createConnection(externalMongo, { dbName: env.MONGODB_DB })
        .asPromise();
      await connection.dropDatabase();
      await connection.close();
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('imports a register: JSON report on stdout, summary on stderr, exit 0; a re-run changes nothing', async () => {
    const first = await npm(env, 'import', '--', 'subsidies', 'test/fixtures/subsidies-register.csv');
    assert.equal(first.code, 0, first.stderr);
    const report = JSON.parse(first.stdout) as ImportReport;
    assert.equal(report.written, true);
    assert.deepEqual(report.counts.payments, { created: 7, updated: 0, unchanged: 0 });
    assert.match(first.stderr, /rows: 7, valid: 7, with problems: 0/);
    const again = await npm(env, 'import', '--', 'subsidies', 'test/fixtures/subsidies-register.csv');
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual((JSON.parse(again.stdout) as ImportReport).counts.payments, {
      created: 0,
      updated: 0,
      unchanged: 7,
    });
  });

  it('a dry run of a file with problems: exit 2, rows listed, nothing written', async () => {
    const run = await npm(
      env,
      'import',
      '--',
      'subsidies',
      'test/fixtures/subsidies-errors.csv',
      '--dry-run',
    );
    assert.equal(run.code, 2, run.stderr);
    const report = JSON.parse(run.stdout) as ImportReport;
    assert.equal(report.written, false);
    assert.equal(report.problems[0]?.row, 3);
    assert.equal(report.problems[0].code, 'id-check-digit');
    assert.match(run.stderr, /row 3 \[身份证号\] id-check-digit/);
    assert.match(run.stderr, /payments \(not written\): 2 new/);
  });

  it('bad arguments or a missing file: exit 1 with the usage', async () => {
    const usage = await npm(env, 'import', '--', 'pensions', 'x.csv');
    assert.equal(usage.code, 1);
    assert.match(usage.stderr, /usage: npm run import/);
    const missing = await npm(env, 'import', '--', 'subsidies', 'test/fixtures/no-such-file.csv');
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /cannot read/);
  });

  it('applications after the seed (departments known); the store holds what the CLI wrote', async () => {
    const seed = await npm(env, 'seed');
    assert.equal(seed.code, 0, seed.stderr);
    assert.match(seed.stdout, /5 application cases, 5 subsidy households, 16 payments/);
    const run = await npm(env, 'import', '--', 'applications', 'test/fixtures/applications.csv');
    assert.equal(run.code, 2, run.stderr);
    const report = JSON.parse(run.stdout) as ImportReport;
    assert.deepEqual(report.counts.applications, { created: 2, updated: 0, unchanged: 0 });

    const store = await openStore(loadConfig(env), { info: () => undefined, warn: () => undefined });
    try {
      assert.equal((await store.subsidies.householdsByPhone('13903120001'))[0]?.headName, '刘振华');
      assert.equal((await store.subsidies.householdsByPhone('13903110001'))[0]?.headName, '王建国');
      assert.deepEqual(await store.subsidies.counts(), { households: 10, payments: 23 });
      assert.equal((await store.applications.verify('926110300019', '551234'))?.item, '个体工商户设立登记');
      assert.equal(await store.applications.count(), 7);
    } finally {
      await store.close();
    }
  });
});

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { after, describe, it } from 'node:test';
import mongoose from 'mongoose';
import { loadConfig } from '../../src/config.js';
import { startEmbeddedDb } from '../../src/store/embedded-db.js';

describe('embedded database', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'hub-edb-'));
  const binary = loadConfig({ DATA_DIR: dir }).embeddedDbBinary;
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps data in SQLite files under its directory across restarts, on loopback only', async () => {
    const first = await startEmbeddedDb({ binary, dataDir: dir, port: 0 });
    assert.match(first.uri, /^mongodb:\/\/127\.0\.0\.1:\d+\/$/);
    let connection = await mongoose.createConnection(first.uri, { dbName: 'persist' }).asPromise();
    await connection.collection('things').insertOne({ name: '长安区', code: '130102' });
    await connection.close();
    await first.stop();

    const second = await startEmbeddedDb({ binary, dataDir: dir, port: 0 });
    connection = await mongoose.createConnection(second.uri, { dbName: 'persist' }).asPromise();
    const found = await connection.collection('things').findOne({ code: '130102' });
    assert.equal(found?.name, '长安区');
    await connection.close();
    await second.stop();
  });

  it('refuses to run twice on one directory', async () => {
    const running = await startEmbeddedDb({ binary, dataDir: dir, port: 0 });
    await assert.rejects(startEmbeddedDb({ binary, dataDir: dir, port: 0 }), /already run by process/);
    await running.stop();
  });

  it('exits by itself when the process that started it goes away (its stdin closes)', async () => {
    const child = spawn(binary, ['-port', '0', '-data', path.join(dir, 'orphan')], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    const ready = new Promise<void>((resolve) => {
      createInterface({ input: child.stdout }).on('line', (line) => {
        if (line.startsWith('READY ')) resolve();
      });
    });
    await ready;
    const exited = new Promise<number | null>((resolve) =>
      child.once('exit', (code) => {
        resolve(code);
      }),
    );
    child.stdin.end();
    assert.equal(await exited, 0);
  });
});

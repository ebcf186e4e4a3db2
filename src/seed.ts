import { loadConfig } from './config.js';
import { DEMO_DEPARTMENTS } from './seed-data.js';
import { openStore } from './store/store.js';

/**
 * `npm run seed`: loads the demo departments (idempotent: upsert by code). With the embedded
 * database, run it while the hub is stopped (`npm start` runs it before starting the hub).
 */
const config = loadConfig();
const store = await openStore(config, {
  info: (message) => {
    console.log(message);
  },
  warn: (message) => {
    console.warn(message);
  },
});
try {
  for (const department of DEMO_DEPARTMENTS) await store.departments.upsert(department);
  console.log(`seed: ${DEMO_DEPARTMENTS.length} departments`);
} finally {
  await store.close();
}

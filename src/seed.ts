import { loadConfig } from './config.js';
import { DEMO_DEPARTMENTS, DEMO_RULES, loadDemoCases } from './seed-data.js';
import { openStore } from './store/store.js';

/**
 * `npm run seed`: loads the demo departments and the demo routing rules (only those missing: what an
 * admin has changed on the admin pages is left alone) and the demo application cases and subsidy households. With the embedded
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
  // Departments and rules an admin already has (or has changed) are left alone: only missing ones are added.
  let departments = 0;
  for (const department of DEMO_DEPARTMENTS) if (await store.departments.create(department)) departments++;
  console.log(`seed: ${departments} of ${DEMO_DEPARTMENTS.length} demo departments added`);
  let added = 0;
  for (const rule of DEMO_RULES) {
    const saved = await store.rules.create({ ...rule, updatedAt: new Date(), updatedBy: 'seed' });
    if (saved.ok) added++;
  }
  console.log(`seed: ${added} of ${DEMO_RULES.length} demo routing rules added`);
  // Demo 办件 and subsidy households: upserted by number / ID hash, so a re-run changes nothing.
  const cases = await loadDemoCases(store);
  console.log(
    `seed: ${cases.applications} application cases, ${cases.households} subsidy households, ${cases.payments} payments`,
  );
} finally {
  await store.close();
}

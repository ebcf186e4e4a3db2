import { Schema, type Connection } from 'mongoose';
import type { SubsidyRepository } from './subsidies.js';
import type { TicketRepository } from './tickets.js';

/**
 * One-time data migrations, each run once per database and then marked done in `store_migrations`
 * (`_id` = its name), so every later start costs one read by `_id`. Each is idempotent: two hubs
 * starting at once may both run it.
 */
interface MigrationDoc {
  _id: string;
  at: Date;
  changed: number;
}

const MigrationSchema = new Schema<MigrationDoc>(
  { _id: { type: String, required: true }, at: { type: Date, required: true }, changed: Number },
  { versionKey: false, collection: 'store_migrations' },
);

interface Migration {
  name: string;
  run(): Promise<number>;
}

/** Runs what has not run on this database yet; tells `log` what each changed. */
export async function migrate(
  connection: Connection,
  store: { tickets: TicketRepository; subsidies: SubsidyRepository },
  log: (line: string) => void,
): Promise<void> {
  const model = connection.model<MigrationDoc>('StoreMigration', MigrationSchema);
  const migrations: Migration[] = [
    // Tickets stored before the list keys existed are in no list until they have them.
    { name: 'ticket-list-keys', run: () => store.tickets.backfillListKeys() },
    // Households imported before the phone rows existed are found by no phone until they have them.
    { name: 'household-phone-rows', run: () => store.subsidies.backfillPhoneRows() },
  ];
  for (const migration of migrations) {
    if (await model.exists({ _id: migration.name })) continue;
    const started = Date.now();
    const changed = await migration.run();
    await model.replaceOne({ _id: migration.name }, { at: new Date(), changed }, { upsert: true });
    log(
      `store: migration ${migration.name} done, ${String(changed)} changed in ${String(Date.now() - started)} ms`,
    );
  }
}

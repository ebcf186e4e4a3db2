/** Classifies driver errors so the core can answer 503 or retry without importing mongoose. */

const UNAVAILABLE = new Set([
  'MongoServerSelectionError',
  'MongooseServerSelectionError',
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoNotConnectedError',
  'MongoPoolClearedError',
  // The server monitor found the server silent and interrupted the operations in flight.
  'PoolClearedOnNetworkError',
  'MongoWaitQueueTimeoutError',
  'MongoTopologyClosedError',
  // A grouped command that never answered (src/store/grouped.ts).
  'GroupDeadlineError',
]);

export function isStoreUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (UNAVAILABLE.has(error.name)) return true;
  return error.cause instanceof Error && UNAVAILABLE.has(error.cause.name);
}

/**
 * A duplicate-key error (E11000). FerretDB names neither the index nor the key, so a collection
 * with two unique indexes finds out which one by looking the keys up (see TicketRepository.insert).
 */
export function isDuplicateKey(error: unknown): boolean {
  return error instanceof Error && (error as { code?: unknown }).code === 11000;
}

/**
 * Inserts one document straight through the driver; false when a unique key was taken, in which case
 * the first write stands (the unique index is the duplicate guard, DESIGN §5a).
 */
export async function insertUnlessTaken(
  collection: { insertOne(doc: never): Promise<unknown> },
  doc: object,
): Promise<boolean> {
  try {
    await collection.insertOne(doc as never);
    return true;
  } catch (error) {
    if (isDuplicateKey(error)) return false;
    throw error;
  }
}

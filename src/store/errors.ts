/** Classifies driver errors so the core can answer 503 or retry without importing mongoose. */

const UNAVAILABLE = new Set([
  'MongoServerSelectionError',
  'MongooseServerSelectionError',
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoNotConnectedError',
  'MongoPoolClearedError',
  'MongoTopologyClosedError',
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

import { Types } from 'mongoose';

/** A fresh id for a sub-entry (event, outbox entry): ObjectId hex, safe as a map key. */
export function newId(): string {
  return new Types.ObjectId().toHexString();
}

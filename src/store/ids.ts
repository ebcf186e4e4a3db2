import { Types } from 'mongoose';

/** A fresh id for a sub-entry (event, outbox entry): ObjectId hex, safe as a map key. */
export function newId(): string {
  return new Types.ObjectId().toHexString();
}

export function isId(text: string): boolean {
  return Types.ObjectId.isValid(text) && /^[0-9a-f]{24}$/i.test(text);
}

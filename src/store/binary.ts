/**
 * A stored binary field as a Buffer. Lean reads give the driver's BSON `Binary` (its `buffer` may be
 * larger than the data: `position` is the length), mongoose documents a Buffer.
 */
export function toBuffer(value: unknown): Buffer {
  if (Buffer.isBuffer(value)) return value;
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  const binary = value as { buffer?: Uint8Array; position?: number } | undefined;
  if (binary?.buffer instanceof Uint8Array) {
    const bytes = binary.buffer.subarray(0, binary.position ?? binary.buffer.length);
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  throw new TypeError('not a binary value');
}

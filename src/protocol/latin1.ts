/**
 * Bytes to a string, one character per byte, through Buffer's native
 * binding without Buffer#toString's argument handling. For ASCII bytes
 * (checked by the caller) this is their UTF-8 decoding.
 */
export const latin1Slice = (Buffer.prototype as unknown as { latin1Slice(this: Uint8Array, start: number, end: number): string }).latin1Slice;

/**
 * Collects one output stream of an agent up to a byte limit (spec/protocol.md
 * §11.4). Past the limit the stream is still drained, so the agent never
 * blocks on a full pipe, but the bytes are dropped.
 */

/** Default limit per stream: 10 MiB. */
export const DEFAULT_MAX_OUTPUT_BYTES = 10 * 1024 * 1024;

/** Capped byte sink for one stream. */
export class OutputCollector {
  private readonly chunks: Buffer[] = [];
  private size = 0;
  /** True once bytes were dropped because of the limit. */
  truncated = false;

  constructor(private readonly limit: number) {}

  /** Adds a chunk, keeping at most `limit` bytes in total. */
  push(chunk: Buffer): void {
    const room = this.limit - this.size;
    if (room <= 0) {
      if (chunk.length > 0) this.truncated = true;
      return;
    }
    if (chunk.length > room) {
      this.chunks.push(chunk.subarray(0, room));
      this.size += room;
      this.truncated = true;
      return;
    }
    this.chunks.push(chunk);
    this.size += chunk.length;
  }

  /** Everything kept, decoded as UTF-8 (invalid sequences become U+FFFD). */
  text(): string {
    if (this.chunks.length === 0) return '';
    if (this.chunks.length === 1) return this.chunks[0]!.toString('utf8');
    return Buffer.concat(this.chunks, this.size).toString('utf8');
  }
}

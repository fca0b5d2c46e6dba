import { readSync } from 'node:fs';

const BLOCK = 1 << 14; // 16 KiB

/**
 * Reads lines back by offset through a small direct-mapped cache of file
 * blocks. Pass two asks for lines near each other in the file (a history is
 * mostly in time order, with late arrivals), so most lines come from a block
 * already read: one read call per block instead of one per line.
 */
export class BlockReader {
  private readonly blocks: (Buffer | undefined)[];
  private readonly tags: Float64Array;
  private scratch = Buffer.allocUnsafe(64 << 10);

  /** `slots`: blocks kept (16 KiB each); 1,024 keep 16 MiB of the file. */
  constructor(
    private readonly fd: number,
    private readonly slots = 1024,
  ) {
    this.blocks = new Array(slots);
    this.tags = new Float64Array(slots).fill(-1);
  }

  line(offset: number, bytes: number): string {
    const block = Math.floor(offset / BLOCK);
    const start = offset - block * BLOCK;
    if (start + bytes > BLOCK) return this.direct(offset, bytes);
    const slot = block % this.slots;
    let buffer = this.blocks[slot];
    if (this.tags[slot] !== block || buffer === undefined) {
      buffer ??= Buffer.allocUnsafe(BLOCK);
      readSync(this.fd, buffer, 0, BLOCK, block * BLOCK);
      this.blocks[slot] = buffer;
      this.tags[slot] = block;
    }
    return buffer.toString('utf8', start, start + bytes);
  }

  /** A line across two blocks (or longer than one): read on its own. */
  private direct(offset: number, bytes: number): string {
    if (bytes > this.scratch.length) this.scratch = Buffer.allocUnsafe(bytes);
    readSync(this.fd, this.scratch, 0, bytes, offset);
    return this.scratch.toString('utf8', 0, bytes);
  }
}

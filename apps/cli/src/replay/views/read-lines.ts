import { closeSync, openSync, readSync } from 'node:fs';

const NEWLINE = 10;

/** The lines of a file written by this process (each ends with `\n`), read in 1 MiB blocks. */
export function* readLines(path: string): Generator<string> {
  const fd = openSync(path, 'r');
  try {
    let buffer = Buffer.allocUnsafe(1 << 20);
    let filled = 0;
    for (;;) {
      if (filled === buffer.length) {
        // One line longer than the buffer: make room for it.
        const bigger = Buffer.allocUnsafe(buffer.length * 2);
        buffer.copy(bigger, 0, 0, filled);
        buffer = bigger;
      }
      const read = readSync(fd, buffer, filled, buffer.length - filled, null);
      filled += read;
      let from = 0;
      for (let newline = buffer.indexOf(NEWLINE, from); newline >= 0 && newline < filled;) {
        yield buffer.toString('utf8', from, newline);
        from = newline + 1;
        newline = buffer.indexOf(NEWLINE, from);
      }
      buffer.copy(buffer, 0, from, filled);
      filled -= from;
      if (read === 0) return;
    }
  } finally {
    closeSync(fd);
  }
}

import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BlockReader } from './block-reader';

/** Lines read back by offset: within a block, across two, longer than one, in any order. */
describe('BlockReader', () => {
  let folder: string;
  beforeAll(() => {
    folder = mkdtempSync(join(tmpdir(), 'block-reader-'));
  });
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it('gives back every line exactly, whatever the order asked', () => {
    const lines = Array.from(
      { length: 4000 },
      (_, i) => `{"n":${i},"text":"${'é€𝄞x'.repeat(i % 97)}"}`,
    );
    lines.push(`{"long":"${'y'.repeat(100_000)}"}`); // longer than a block
    const file = join(folder, 'lines.ndjson');
    writeFileSync(file, lines.join('\n') + '\n');
    const where: { offset: number; bytes: number }[] = [];
    let offset = 0;
    for (const line of lines) {
      const bytes = Buffer.byteLength(line);
      where.push({ offset, bytes });
      offset += bytes + 1;
    }
    const fd = openSync(file, 'r');
    try {
      const reader = new BlockReader(fd);
      const order = lines.map((_, i) => (i * 7919) % lines.length); // scattered, each once
      for (const i of order) expect(reader.line(where[i].offset, where[i].bytes)).toBe(lines[i]);
      for (let i = lines.length - 1; i >= 0; i--)
        expect(reader.line(where[i].offset, where[i].bytes)).toBe(lines[i]);
    } finally {
      closeSync(fd);
    }
  });
});

/** A top-level array read one item at a time (from a file, say): written as the array would be. */
export class JsonList {
  constructor(
    readonly items: () => Iterable<unknown>,
    readonly length: number,
  ) {}
}

/**
 * `JSON.stringify(value, null, 2)` of an object whose top-level arrays may be
 * long (or JsonLists), in chunks of about `chunkSize` characters, so a large
 * replay is never one string in memory. Same bytes as the one-string form.
 */
export function* prettyJsonChunks(
  value: Readonly<Record<string, unknown>>,
  chunkSize = 1 << 20,
): Generator<string> {
  let chunk = '{';
  const entries = Object.entries(value).filter(([, v]) => v !== undefined);
  for (let i = 0; i < entries.length; i++) {
    const [key, field] = entries[i];
    chunk += `${i === 0 ? '' : ','}\n  ${JSON.stringify(key)}: `;
    const list = field instanceof JsonList ? field : undefined;
    if (list?.length === 0) {
      chunk += '[]';
      continue;
    }
    if (list === undefined && (!Array.isArray(field) || field.length === 0)) {
      chunk += indent(JSON.stringify(field, null, 2), '  ');
      continue;
    }
    chunk += '[';
    let first = true;
    for (const item of list ? list.items() : (field as unknown[])) {
      chunk += `${first ? '' : ','}\n    ${indent(JSON.stringify(item, null, 2) ?? 'null', '    ')}`;
      first = false;
      if (chunk.length >= chunkSize) {
        yield chunk;
        chunk = '';
      }
    }
    chunk += '\n  ]';
  }
  yield `${chunk}${entries.length === 0 ? '' : '\n'}}`;
}

const indent = (text: string, by: string) => text.replace(/\n/g, `\n${by}`);

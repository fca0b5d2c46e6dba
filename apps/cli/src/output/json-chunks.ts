/**
 * `JSON.stringify(value, null, 2)` of an object whose top-level arrays may be
 * long, in chunks of about `chunkSize` characters, so a large replay is never
 * one string in memory. Same bytes as the one-string form.
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
    if (!Array.isArray(field) || field.length === 0) {
      chunk += indent(JSON.stringify(field, null, 2), '  ');
      continue;
    }
    chunk += '[';
    for (let j = 0; j < field.length; j++) {
      chunk += `${j === 0 ? '' : ','}\n    ${indent(JSON.stringify(field[j], null, 2) ?? 'null', '    ')}`;
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

/**
 * The key of an `Authorization: Bearer <key>` header, or undefined for anything
 * else. Exact: the scheme (case-insensitive, as RFC 9110 §11.1 has it), one
 * space, then the key, printable ASCII without spaces. Two spaces, a tab, a
 * trailing space or another scheme is no key, never a trimmed guess.
 */
export function bearerKey(header: string | undefined): string | undefined {
  return header === undefined ? undefined : /^Bearer ([\x21-\x7e]+)$/i.exec(header)?.[1];
}

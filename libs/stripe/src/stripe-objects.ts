/** Small readers of Stripe payloads, where a field is an id or, when expanded, the object. */

/** The id of a field that is an id, an expanded object, or absent. */
export function idOf(value: string | { id?: string } | null | undefined): string | undefined {
  if (value === null || value === undefined) return undefined;
  return typeof value === 'string' ? value : value.id;
}

/** Stripe's unix seconds as the contract's ISO-8601 instant. */
export const isoOf = (unixSeconds: number) => new Date(unixSeconds * 1000).toISOString();

/** Stripe's lower-case ISO-4217 currency as the contract writes it. */
export const currencyOf = (stripeCurrency: string) => stripeCurrency.toUpperCase();

/** A metadata value, absent when empty (Stripe clears a key by setting it to ''). */
export function metadataValue(
  metadata: Readonly<Record<string, string>> | null | undefined,
  key: string,
): string | undefined {
  const value = metadata?.[key]?.trim();
  return value ? value : undefined;
}

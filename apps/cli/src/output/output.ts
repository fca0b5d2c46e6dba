/** What a command prints: a string, or chunks of a long one (a large replay's JSON). */
export type Output = string | Iterable<string>;

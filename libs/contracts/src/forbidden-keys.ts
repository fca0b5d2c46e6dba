import { firstPathWhere } from './json-paths';

/** Keys that reach an object's prototype when a parsed body is merged into another object. */
const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);

/** What the API and the replay say of such a key. */
export const FORBIDDEN_KEY_RULE = 'is a forbidden key (it could reach an object prototype)';

/**
 * The path of the first key of a parsed JSON value that could pollute a
 * prototype, or undefined. `JSON.parse` makes such keys plain own properties;
 * the danger is in what later code does with them, so they are refused at the
 * door. (Fastify's secure-json-parse refuses `__proto__` and
 * `constructor.prototype` too, but cannot say where, and lets a bare
 * `prototype` through.) A deeply nested body costs linear time and no call
 * stack (firstPathWhere).
 */
export const forbiddenKeyPath = (value: unknown): string | undefined =>
  firstPathWhere(value, (key) => FORBIDDEN.has(key));

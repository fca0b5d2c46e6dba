import { ProblemException } from './problem';

/** 413: the body, as sent or once inflated, is over `BODY_LIMIT_BYTES`. */
export const bodyTooLarge = (limit: number) =>
  new ProblemException(413, {
    kind: 'body-too-large',
    title: 'Body too large',
    detail: `a request body may hold at most ${limit} bytes, also once inflated; split the batch`,
  });

/** The body size a request declares, when it declares one. */
export function declaredLength(headers: { 'content-length'?: string }): number | undefined {
  const value = headers['content-length'];
  return value === undefined ? undefined : Number(value);
}

import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Outbound webhooks are signed like Stripe's: HMAC-SHA256 over
 * `<unix seconds>.<raw body>` with the program's secret, sent as
 * `Referrals-Signature: t=<unix seconds>,v1=<hex digest>`.
 */
export const SIGNATURE_HEADER = 'referrals-signature';

export function signatureHeader(secret: string, body: string, unixSeconds: number): string {
  return `t=${unixSeconds},v1=${digest(secret, unixSeconds, body)}`;
}

/** What a receiver does: recompute, compare in constant time, refuse stale timestamps (replays). */
export function verifySignature(
  header: string | undefined,
  secret: string,
  body: string,
  nowSeconds: number,
  toleranceSeconds = 300,
): boolean {
  const parts = Object.fromEntries(
    (header ?? '').split(',').map((p) => p.split('=') as [string, string]),
  );
  const t = Number(parts.t);
  if (!Number.isInteger(t) || !parts.v1 || Math.abs(nowSeconds - t) > toleranceSeconds)
    return false;
  const expected = Buffer.from(digest(secret, t, body), 'hex');
  const given = Buffer.from(parts.v1, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

const digest = (secret: string, t: number, body: string) =>
  createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');

import { createHmac, timingSafeEqual } from 'node:crypto';

/** What a portal token grants: one account of one program, until it expires. */
export interface PortalGrant {
  readonly program: string;
  readonly accountId: string;
  /** Unix milliseconds. */
  readonly expiresAt: number;
}

export type TokenCheck =
  | { readonly ok: true; readonly grant: PortalGrant }
  | { readonly ok: false; readonly reason: 'malformed' | 'bad_signature' | 'expired' };

const VERSION = 'v1';

/**
 * Signed, expiring portal links: `v1.<payload>.<HMAC-SHA256>` in base64url.
 * Nothing is stored: the signature proves the engine issued the grant, and
 * the grant names the program and account, so a token opens that account's
 * page only. Changing PORTAL_SECRET revokes every link.
 */
export class PortalTokens {
  constructor(private readonly secret: string) {}

  sign(grant: PortalGrant): string {
    const payload = Buffer.from(
      JSON.stringify({ p: grant.program, a: grant.accountId, e: grant.expiresAt }),
    ).toString('base64url');
    return `${VERSION}.${payload}.${this.mac(payload)}`;
  }

  verify(token: string, now: number): TokenCheck {
    const [version, payload, signature, ...rest] = token.split('.');
    if (version !== VERSION || !payload || !signature || rest.length > 0)
      return { ok: false, reason: 'malformed' };
    const expected = Buffer.from(this.mac(payload));
    const given = Buffer.from(signature);
    if (given.length !== expected.length || !timingSafeEqual(given, expected))
      return { ok: false, reason: 'bad_signature' };
    let grant: PortalGrant;
    try {
      const { p, a, e } = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
      if (typeof p !== 'string' || typeof a !== 'string' || typeof e !== 'number')
        return { ok: false, reason: 'malformed' };
      grant = { program: p, accountId: a, expiresAt: e };
    } catch {
      return { ok: false, reason: 'malformed' };
    }
    if (grant.expiresAt <= now) return { ok: false, reason: 'expired' };
    return { ok: true, grant };
  }

  private mac(payload: string): string {
    return createHmac('sha256', this.secret).update(`${VERSION}.${payload}`).digest('base64url');
  }
}

import type { AppConfig } from './config';

const trimSlash = (url: string) => url.replace(/\/+$/, '');

/**
 * The addresses the engine hands out (share links, portal links). Configured
 * with PUBLIC_URL / SHARE_LINK_BASE_URL behind a proxy; otherwise the address
 * the server actually listens on, known once it listens (PORT=0 included).
 */
export class PublicUrls {
  private listening?: string;

  constructor(
    private readonly config: Pick<
      AppConfig,
      'PUBLIC_URL' | 'SHARE_LINK_BASE_URL' | 'HOST' | 'PORT'
    >,
  ) {}

  /** The server now listens here (Nest's getUrl()). */
  listeningAt(url: string): void {
    this.listening = trimSlash(url.replace('[::1]', 'localhost').replace('0.0.0.0', 'localhost'));
  }

  base(): string {
    const { PUBLIC_URL, HOST, PORT } = this.config;
    const host = HOST === '0.0.0.0' || HOST === '::' ? 'localhost' : HOST;
    return trimSlash(PUBLIC_URL ?? this.listening ?? `http://${host}:${PORT}`);
  }

  /** Share links are `<this>/<program>/<code>`: the referee's landing page by default. */
  shareLinkBase(): string {
    return trimSlash(this.config.SHARE_LINK_BASE_URL ?? `${this.base()}/r`);
  }
}

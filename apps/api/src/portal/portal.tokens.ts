/** Injection tokens of the portal (interfaces and settings have no class to inject by). */
export const PORTAL_SETTINGS = Symbol('PORTAL_SETTINGS');

export interface PortalSettings {
  /** How long a portal link opens the page, in ms. */
  readonly linkTtlMs: number;
  /** The engine's public address, for the links it hands out (read when a link is made). */
  readonly publicUrl: () => string;
  /** Per program, the upstream sign-up page the referee's landing page points at. */
  readonly signupUrls: Readonly<Record<string, string>>;
  /** Wall-clock time in ms. */
  readonly clock: () => number;
}

import { z } from 'zod';
import { SQL_SCHEMA_NAME } from '@referrals/event-store';
import {
  priceMapSchema,
  promotionsSchema,
  StripeSettings,
  webhookSecretsSchema,
} from '@referrals/stripe';
import { readApiKeys, unknownProgramProblems } from './program-settings';

const DURATION = /^\d+(ms|s|m)?$/;
const milliseconds = (v: string) =>
  v.endsWith('ms')
    ? Number(v.slice(0, -2))
    : v.endsWith('s')
      ? Number(v.slice(0, -1)) * 1000
      : v.endsWith('m')
        ? Number(v.slice(0, -1)) * 60_000
        : Number(v);
const spoken = (ms: number) =>
  ms % 60_000 === 0 && ms > 0
    ? `${ms / 60_000}m`
    : ms % 1000 === 0 && ms > 0
      ? `${ms / 1000}s`
      : `${ms}ms`;

/**
 * The longest duration a setting that drives a timer may have: Node fires a
 * timer longer than 2^31 - 1 ms at once (after a warning), so a sweep every
 * 50000m would have run every millisecond.
 */
const LONGEST_TIMER_MS = 35_791 * 60_000;

/** A duration (`5m`, `5s`, `5000ms`, or bare milliseconds) within limits; the message names them. */
const duration = (min: number, max = LONGEST_TIMER_MS) => {
  const range = `must be a duration from ${spoken(min)} to ${spoken(max)}`;
  return z
    .string()
    .regex(DURATION, 'must be a duration like 5m, 5s or 5000ms')
    .transform(milliseconds)
    .pipe(z.number().min(min, range).max(max, range));
};

/** A whole number within limits, read from an environment string; the message names the limits. */
const wholeNumber = (min: number, max: number) => {
  const rule =
    max === Number.MAX_SAFE_INTEGER
      ? `must be a whole number, at least ${min}`
      : `must be a whole number from ${min} to ${max}`;
  return z.coerce.number({ error: rule }).int(rule).min(min, rule).max(max, rule);
};

/** A URL people or the engine open over the web. */
const httpUrl = () => z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });

const webhooksSchema = z.record(
  z.string(),
  z.strictObject({
    url: httpUrl(),
    secret: z.string().min(16, 'must be at least 16 characters'),
  }),
);

/** Every setting the engine reads, with the embedded defaults of `npm start`. */
export const configSchema = z
  .object({
    PORT: wholeNumber(0, 65535).default(3000),
    HOST: z.string().default('127.0.0.1'),
    EVENT_STORE: z.enum(['pglite', 'postgres', 'eventstoredb', 'memory']).default('pglite'),
    DATA_DIR: z.string().default('./data'),
    DATABASE_URL: z.string().default('postgres://postgres@127.0.0.1:5432/postgres'),
    DATABASE_SCHEMA: z
      .string()
      .regex(SQL_SCHEMA_NAME.pattern, SQL_SCHEMA_NAME.rule)
      .default('referrals'),
    EVENTSTORE_CONNECTION_STRING: z.string().optional(),
    /** `program:key,…`: each key reaches only its program. */
    API_KEYS: z
      .string()
      .superRefine((text, ctx) => {
        for (const message of readApiKeys(text).problems) ctx.addIssue({ code: 'custom', message });
      })
      .default(''),
    ADMIN_API_KEY: z.string().optional(),
    /** The admin key's name, recorded on every admin event as who acted. */
    ADMIN_KEY_NAME: z.string().min(1).default('admin'),
    REORDER_WINDOW: duration(0).default(5000),
    /** How far ahead of the engine's clock an `occurredAt` may be (CONTRACT §1). */
    MAX_CLOCK_SKEW: duration(0).default(300_000),
    BODY_LIMIT_BYTES: wholeNumber(1024, Number.MAX_SAFE_INTEGER).default(5 * 1024 * 1024),
    /**
     * How long a request may take to arrive, head and body: a client that stops
     * sending mid-body gets a 408 instead of holding a connection open.
     */
    REQUEST_TIMEOUT: duration(0).default(30_000),
    /** The engine's address as people reach it (portal links); default: where it listens. */
    PUBLIC_URL: httpUrl().optional(),
    /** Where share links point; default: PUBLIC_URL + /r (the referee's landing page). */
    SHARE_LINK_BASE_URL: httpUrl().optional(),
    /** Signs portal links (HMAC-SHA256); unset, a random one per start (links die with the process). */
    PORTAL_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
    /** How long a portal link opens the page. */
    PORTAL_LINK_TTL: duration(1000, 525_600 * 60_000).default(3_600_000),
    /** Per program, the upstream sign-up page the landing page's button opens (JSON {program: url}). */
    SIGNUP_URLS: jsonSetting(z.record(z.string(), httpUrl()), '{program: url}'),
    /** Run the referral process manager in this process too (the single-process default). */
    RUN_WORKER: z
      .enum(['true', 'false'])
      .default('true')
      .transform((v) => v === 'true'),
    /** How long a worker's lease on a program lasts unrenewed: how soon another takes over a dead one's programs. */
    LEASE_TTL: duration(100).default(5000),
    REDIS_URL: z.string().default('redis://127.0.0.1:6379'),
    /** BullMQ's key prefix, so several deployments (or test runs) can share one Redis. */
    QUEUE_PREFIX: z.string().default('referrals'),
    /** Webhook endpoint and signing secret per program, as JSON: {"callrail":{"url":"…","secret":"…"}}. */
    WEBHOOKS: jsonSetting(webhooksSchema, '{program: {url, secret}}'),
    /** Payout jobs a worker runs at once; the more, the larger the shared transactions. */
    PAYOUT_CONCURRENCY: wholeNumber(1, 10_000).default(200),
    /** How often the worker re-enqueues unpaid rewards, re-derives timers and expires minutes. */
    SWEEP_INTERVAL: duration(100).default(60_000),
    /** Tries of a webhook delivery before it is a dead letter, and the first retry's delay (doubling). */
    WEBHOOK_ATTEMPTS: wholeNumber(1, 50).default(8),
    WEBHOOK_BACKOFF: duration(1).default(1000),
    /** Stripe in, per program as JSON: the webhook endpoint's signing secret (a list while it rolls). */
    STRIPE_WEBHOOK_SECRETS: jsonSetting(
      webhookSecretsSchema,
      '{program: "whsec_…" or ["whsec_…", …]}',
    ),
    /** The plan (and product) of each Stripe price, by price id, lookup key or Stripe product id. */
    STRIPE_PRICE_MAP: jsonSetting(priceMapSchema, '{program: {price: {plan, product?}}}'),
    /** The referral a Stripe promotion code or coupon stands for. */
    STRIPE_PROMOTIONS: jsonSetting(
      promotionsSchema,
      '{program: {promotion code or coupon: {referralCode} or {referrerAccountId}}}',
    ),
    LOG_LEVEL: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
      .default('info'),
    /** `auto`: readable lines on a terminal (pino-pretty), JSON lines otherwise (a log collector). */
    LOG_FORMAT: z.enum(['auto', 'json', 'pretty']).default('auto'),
  })
  .superRefine((config, ctx) => {
    // A caller is known by its key alone: the admin key would reach one program only.
    const shared = readApiKeys(config.API_KEYS).keys.find((k) => k.key === config.ADMIN_API_KEY);
    if (shared) {
      ctx.addIssue({
        code: 'custom',
        path: ['ADMIN_API_KEY'],
        message: `must differ from every key of API_KEYS (it is also ${shared.program}'s)`,
      });
    }
  });

export type AppConfig = z.infer<typeof configSchema>;

/** Every problem of the configuration, one `VARIABLE: rule` line each, for the operator to fix at once. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(problems.join('\n'));
    this.name = 'ConfigError';
  }
}

/**
 * The configuration from the environment, or every problem of it at once.
 * Given the ids of the programs the process runs, a setting naming another
 * program is a problem too.
 */
export function loadConfig(
  env: NodeJS.ProcessEnv = process.env,
  { programs }: { programs?: readonly string[] } = {},
): AppConfig {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success)
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  const unknown = programs ? unknownProgramProblems(parsed.data, programs) : [];
  if (unknown.length > 0) throw new ConfigError(unknown);
  return parsed.data;
}

/**
 * A nested schema's error (WEBHOOKS, SIGNUP_URLS) as `path: rule; …` on one
 * line, rather than zod's JSON array of issues or JSON.parse's message.
 */
function oneLine(error: unknown): string {
  if (error instanceof z.ZodError)
    return error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
  return (error as Error).message;
}

/** A JSON setting checked against its schema; `shape` says in the error what it should look like. */
function jsonSetting<T extends z.ZodType>(schema: T, shape: string) {
  return z
    .string()
    .default('{}')
    .transform((text, ctx): z.infer<T> => {
      try {
        return schema.parse(JSON.parse(text));
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: `must be JSON ${shape}: ${oneLine(error)}` });
        return z.NEVER;
      }
    });
}

/** The Stripe settings of every program, as the Stripe inbox and the remap read them. */
export const stripeSettings = (config: AppConfig): StripeSettings => ({
  webhookSecrets: config.STRIPE_WEBHOOK_SECRETS,
  priceMap: config.STRIPE_PRICE_MAP,
  promotions: config.STRIPE_PROMOTIONS,
});

/** How webhooks to upstream are retried, as configured. */
export const webhookRetries = (config: AppConfig) => ({
  attempts: config.WEBHOOK_ATTEMPTS,
  backoffMs: config.WEBHOOK_BACKOFF,
});

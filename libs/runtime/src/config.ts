import { z } from 'zod';

const duration = z
  .string()
  .regex(/^\d+(ms|s)?$/, 'must be a duration like 5s or 5000ms')
  .transform((v) =>
    v.endsWith('ms')
      ? Number(v.slice(0, -2))
      : v.endsWith('s')
        ? Number(v.slice(0, -1)) * 1000
        : Number(v),
  );

const webhooksSchema = z.record(
  z.string(),
  z.strictObject({
    url: z.string().url(),
    secret: z.string().min(16, 'must be at least 16 characters'),
  }),
);

/** Every setting the engine reads, with the embedded defaults of `npm start`. */
export const configSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('127.0.0.1'),
  EVENT_STORE: z.enum(['pglite', 'postgres', 'eventstoredb', 'memory']).default('pglite'),
  DATA_DIR: z.string().default('./data'),
  DATABASE_URL: z.string().default('postgres://postgres@127.0.0.1:5432/postgres'),
  DATABASE_SCHEMA: z
    .string()
    .regex(/^[a-z_][a-z0-9_]*$/)
    .default('referrals'),
  EVENTSTORE_CONNECTION_STRING: z.string().optional(),
  /** `program:key,…`: each key reaches only its program. */
  API_KEYS: z.string().default(''),
  ADMIN_API_KEY: z.string().optional(),
  REORDER_WINDOW: duration.default(5000),
  BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(5 * 1024 * 1024),
  SHARE_LINK_BASE_URL: z.string().url().default('http://localhost:3000/r'),
  /** Run the referral process manager in this process too (the single-process default). */
  RUN_WORKER: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
  /** How long a worker's lease on a program lasts unrenewed: how soon another takes over a dead one's programs. */
  LEASE_TTL: duration.default(5000),
  REDIS_URL: z.string().default('redis://127.0.0.1:6379'),
  /** BullMQ's key prefix, so several deployments (or test runs) can share one Redis. */
  QUEUE_PREFIX: z.string().default('referrals'),
  /** Webhook endpoint and signing secret per program, as JSON: {"callrail":{"url":"…","secret":"…"}}. */
  WEBHOOKS: z
    .string()
    .default('{}')
    .transform((text, ctx) => {
      try {
        return webhooksSchema.parse(JSON.parse(text));
      } catch (error) {
        ctx.addIssue({
          code: 'custom',
          message: `must be JSON {program: {url, secret}}: ${(error as Error).message}`,
        });
        return z.NEVER;
      }
    }),
  /** Payout jobs a worker runs at once; the more, the larger the shared transactions. */
  PAYOUT_CONCURRENCY: z.coerce.number().int().min(1).max(10_000).default(200),
  /** How often the worker re-enqueues unpaid rewards, re-derives timers and expires minutes. */
  SWEEP_INTERVAL: duration.default(60_000),
  /** Tries of a webhook delivery before it is a dead letter, and the first retry's delay (doubling). */
  WEBHOOK_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(8),
  WEBHOOK_BACKOFF: duration.default(1000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type AppConfig = z.infer<typeof configSchema>;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`configuration: ${problems}`);
  }
  return parsed.data;
}

/** How webhooks to upstream are retried, as configured. */
export const webhookRetries = (config: AppConfig) => ({
  attempts: config.WEBHOOK_ATTEMPTS,
  backoffMs: config.WEBHOOK_BACKOFF,
});

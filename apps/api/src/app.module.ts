import { randomBytes } from 'node:crypto';
import { DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { ApiKeys } from './auth/api-keys';
import { AuthGuard } from './auth/auth.guard';
import { AppConfig, stripeSettings } from '@referrals/runtime';
import { StripeInbox } from '@referrals/stripe';
import { AccountsController } from './http/accounts.controller';
import { AdminController } from './http/admin.controller';
import { DocsController } from './http/docs.controller';
import { EventsRoute } from './http/events.route';
import { ExplainController } from './http/explain.controller';
import { HealthController } from './http/health.controller';
import { QueueAdmin } from './queue-admin';
import { Readiness } from './readiness';
import { StripeWebhookController } from './stripe/stripe-webhook.controller';
import { PortalController } from './portal/portal.controller';
import { PortalLinkController } from './portal/portal-link.controller';
import { PortalTokens } from './portal/portal-token';
import { PORTAL_SETTINGS, PortalSettings } from './portal/portal.tokens';
import type { Runtime } from '@referrals/runtime';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Options as HttpLoggingOptions } from 'pino-http';
import { REDIS } from '@referrals/worker';
import {
  CASH_APPROVALS,
  PAYOUT_BATCHES,
  CONFIG,
  EVENT_STORE,
  INGESTOR,
  PAYOUTS,
  PROGRAMS,
  QUERIES,
  READINESS,
  REFERRAL_CODES,
} from './tokens';

/** The HTTP edge: controllers over the runtime's parts, which are built outside Nest. Needs QueuesModule. */
@Module({})
export class AppModule {
  /**
   * `logger` is the process's pino logger (`openLogger`); request lines are `logRequests`'.
   * `redisRefusal`: why Redis refuses the credentials now, if it does, for readiness to name.
   */
  static forRuntime(
    config: AppConfig,
    runtime: Runtime,
    logging: { logger: Logger; options: HttpLoggingOptions },
    redisRefusal?: () => string | undefined,
  ): DynamicModule {
    return {
      module: AppModule,
      imports: [
        // Nest's lines through pino; no per-request middleware (see logRequests).
        LoggerModule.forRoot({
          pinoHttp: { ...logging.options, logger: logging.logger },
          forRoutes: [],
        }),
      ],
      controllers: [
        AccountsController,
        ExplainController,
        AdminController,
        HealthController,
        StripeWebhookController,
        DocsController,
        PortalController,
        PortalLinkController,
      ],
      providers: [
        {
          provide: ApiKeys,
          useValue: new ApiKeys(config.API_KEYS, config.ADMIN_API_KEY, config.ADMIN_KEY_NAME),
        },
        AuthGuard,
        EventsRoute,
        {
          provide: StripeInbox,
          useValue: new StripeInbox(runtime.store, runtime.ingestor, stripeSettings(config)),
        },
        { provide: EVENT_STORE, useValue: runtime.store },
        { provide: INGESTOR, useValue: runtime.ingestor },
        { provide: QUERIES, useValue: runtime.queries },
        { provide: REFERRAL_CODES, useValue: runtime.codes },
        { provide: PROGRAMS, useValue: runtime.programs },
        { provide: PAYOUTS, useValue: runtime.payout },
        { provide: CASH_APPROVALS, useValue: runtime.cash },
        { provide: PAYOUT_BATCHES, useValue: runtime.batches },
        { provide: CONFIG, useValue: config },
        QueueAdmin,
        {
          provide: READINESS,
          inject: [REDIS],
          useFactory: (redis: Redis) => new Readiness(runtime, redis, config, redisRefusal),
        },
        // Unset, a random secret per start: links then last as long as the process.
        {
          provide: PortalTokens,
          useValue: new PortalTokens(config.PORTAL_SECRET ?? randomBytes(32).toString('hex')),
        },
        {
          provide: PORTAL_SETTINGS,
          useValue: {
            linkTtlMs: config.PORTAL_LINK_TTL,
            publicUrl: () => runtime.urls.base(),
            signupUrls: config.SIGNUP_URLS,
            clock: Date.now,
          } satisfies PortalSettings,
        },
      ],
    };
  }
}

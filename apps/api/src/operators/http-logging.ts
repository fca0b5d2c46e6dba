import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import pino, { Level, LevelWithSilent, Logger } from 'pino';
import type { Options } from 'pino-http';
import type { AppConfig } from '@referrals/runtime';

/** Probes and scrapes: every few seconds from the orchestrator and Prometheus, noise at info. */
const PROBES = /^\/(health\/|metrics(\?|$))/;

/** Portal links carry their token in the query: it never reaches a log line. */
export const redactToken = (url: string | undefined) =>
  url?.replace(/([?&]token=)[^&#]*/g, '$1[redacted]');

/**
 * Request logs: probes at debug, client errors at warn, server errors at
 * error, the rest at info; keys and portal tokens redacted; pretty lines for a
 * person at a terminal (LOG_FORMAT=auto and stdout a TTY), JSON lines for a
 * log collector otherwise. In pino-http's option shape, which nestjs-pino takes
 * for the application's logger (see `openLogger`); the request lines
 * themselves are written by `logRequests`.
 */
export function httpLogging(
  config: AppConfig,
  stdoutIsTty = process.stdout.isTTY === true,
): Options {
  const pretty = config.LOG_FORMAT === 'pretty' || (config.LOG_FORMAT === 'auto' && stdoutIsTty);
  return {
    level: config.LOG_LEVEL,
    // Keys never reach the logs, nor Redis's password: an ioredis error carries its
    // command, and an AUTH or HELLO refused on a reconnection has the password in its args.
    redact: ['req.headers.authorization', 'err.command.args', '*.err.command.args'],
    customLogLevel: (req: IncomingMessage, res: ServerResponse, error?: Error) => {
      if (error || res.statusCode >= 500) return 'error';
      if (PROBES.test(req.url ?? '')) return 'debug';
      return res.statusCode >= 400 ? 'warn' : 'info';
    },
    serializers: {
      req: (req: { url?: string }) => {
        req.url = redactToken(req.url);
        return req;
      },
    },
    ...(pretty && {
      transport: {
        target: 'pino-pretty',
        options: { singleLine: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' },
      },
    }),
  };
}

/** The one pino logger of the process (the application's lines and the request lines), as `options` say. */
export const openLogger = (options: Options): Logger =>
  pino({ level: options.level, redact: options.redact, transport: options.transport });

/**
 * One line per answered request, `request completed` with the request (id,
 * method, URL with any portal token redacted, headers with the key redacted,
 * peer), the status and the time in ms, at the level `options.customLogLevel`
 * gives. Written from Fastify's `onResponse` hook, so it covers every route
 * (Nest's and the Fastify routes) and answers of the edge's own hooks. Nothing
 * is built for a line below the logger's level: pino-http built a child logger
 * and serialised every request up front, and nestjs-pino ran each request in
 * an AsyncLocalStorage (promise hooks on every promise of the process), which
 * together cost about a fifth of a single-event POST's CPU.
 */
export function logRequests(fastify: FastifyInstance, logger: Logger, options: Options) {
  const levelOf = options.customLogLevel ?? (() => 'info' as const);
  fastify.addHook('onResponse', (request, reply, done) => {
    const level: LevelWithSilent = levelOf(request.raw, reply.raw, undefined);
    if (level !== 'silent' && logger.isLevelEnabled(level)) {
      logger[level as Level](
        {
          req: {
            id: request.id,
            method: request.method,
            url: redactToken(request.url),
            // The key is redacted by the logger (`redact`), as for any line.
            headers: request.headers,
            remoteAddress: request.raw.socket?.remoteAddress,
            remotePort: request.raw.socket?.remotePort,
          },
          res: { statusCode: reply.statusCode },
          responseTime: Math.round(reply.elapsedTime),
        },
        'request completed',
      );
    }
    done();
  });
}

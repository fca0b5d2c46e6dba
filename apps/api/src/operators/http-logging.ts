import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Options } from 'pino-http';
import type { AppConfig } from '@referrals/runtime';

/** Probes and scrapes: every few seconds from the orchestrator and Prometheus, noise at info. */
const PROBES = /^\/(health\/|metrics(\?|$))/;

/** Portal links carry their token in the query: it never reaches a log line. */
export const redactToken = (url: string | undefined) =>
  url?.replace(/([?&]token=)[^&#]*/g, '$1[redacted]');

/**
 * Request logs of pino-http: probes at debug, client errors at warn, server
 * errors at error, the rest at info; keys and portal tokens redacted; pretty
 * lines for a person at a terminal (LOG_FORMAT=auto and stdout a TTY), JSON
 * lines for a log collector otherwise.
 */
export function httpLogging(
  config: AppConfig,
  stdoutIsTty = process.stdout.isTTY === true,
): Options {
  const pretty = config.LOG_FORMAT === 'pretty' || (config.LOG_FORMAT === 'auto' && stdoutIsTty);
  return {
    level: config.LOG_LEVEL,
    // Keys never reach the logs.
    redact: ['req.headers.authorization'],
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

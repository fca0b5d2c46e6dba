import type { IncomingMessage, ServerResponse } from 'node:http';
import { configSchema } from '@referrals/runtime';
import Fastify, { FastifyInstance } from 'fastify';
import pino from 'pino';
import { httpLogging, logRequests, redactToken } from './http-logging';

const level = (url: string, statusCode: number, format = 'auto') => {
  const options = httpLogging(configSchema.parse({ LOG_FORMAT: format }), false);
  return options.customLogLevel?.(
    { url } as IncomingMessage,
    { statusCode } as ServerResponse,
    undefined,
  );
};

describe('request logs', () => {
  it('logs health probes and metric scrapes at debug, not info', () => {
    expect(level('/health/live', 200)).toBe('debug');
    expect(level('/health/ready', 200)).toBe('debug');
    expect(level('/metrics', 200)).toBe('debug');
    expect(level('/v1/events', 202)).toBe('info');
    expect(level('/metricsfoo', 404)).toBe('warn');
    expect(level('/health/ready', 503)).toBe('error');
  });

  it('never writes a portal token', () => {
    expect(redactToken('/portal/callrail/a?token=v1.abc.def&x=1')).toBe(
      '/portal/callrail/a?token=[redacted]&x=1',
    );
  });

  it('is pretty on a terminal, JSON otherwise, unless told', () => {
    const config = (format: string) => configSchema.parse({ LOG_FORMAT: format });
    expect(httpLogging(config('auto'), true).transport).toMatchObject({ target: 'pino-pretty' });
    expect(httpLogging(config('auto'), false).transport).toBeUndefined();
    expect(httpLogging(config('json'), true).transport).toBeUndefined();
    expect(httpLogging(config('pretty'), false).transport).toMatchObject({ target: 'pino-pretty' });
  });
});

describe('error lines', () => {
  it("never write Redis's password from a refused command's arguments", () => {
    const options = httpLogging(
      configSchema.parse({ LOG_LEVEL: 'info', LOG_FORMAT: 'json' }),
      false,
    );
    const lines: string[] = [];
    const logger = pino(
      { level: options.level, redact: options.redact },
      { write: (line: string) => lines.push(line) },
    );
    // As ioredis reports a refused AUTH: the command, with its arguments, on the error.
    const refused = Object.assign(new Error('WRONGPASS invalid username-password pair'), {
      command: { name: 'hello', args: ['3', 'AUTH', 'default', 'old-secret'] },
    });
    logger.error({ err: refused }, 'queue error');
    logger.error({ context: { err: refused } }, 'nested');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain('WRONGPASS');
    for (const line of lines) {
      expect(line).toContain('"args":"[Redacted]"');
      expect(line).not.toContain('old-secret');
    }
  });
});

describe('request lines', () => {
  async function linesOf(logLevel: string, send: (app: FastifyInstance) => Promise<unknown>) {
    const options = httpLogging(
      configSchema.parse({ LOG_LEVEL: logLevel, LOG_FORMAT: 'json' }),
      false,
    );
    const lines: Record<string, unknown>[] = [];
    const logger = pino(
      { level: options.level, redact: options.redact },
      { write: (line: string) => lines.push(JSON.parse(line)) },
    );
    const app = Fastify();
    logRequests(app, logger, options);
    app.get('/health/live', async () => ({ ok: true }));
    app.get('/portal/:program/:account', async (_request, reply) => reply.code(401).send('no'));
    app.post('/v1/events', async (_request, reply) => reply.code(202).send({ stored: 1 }));
    await send(app);
    await app.close();
    return lines;
  }

  it('writes one line per request: id, method, URL and headers redacted, status, time', async () => {
    const lines = await linesOf('info', async (app) => {
      await app.inject({
        method: 'POST',
        url: '/v1/events',
        headers: { authorization: 'Bearer secret-key', 'content-type': 'application/json' },
        payload: '{}',
      });
      await app.inject({ method: 'GET', url: '/portal/callrail/a?token=v1.abc.def' });
    });
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({
      level: 30,
      msg: 'request completed',
      req: {
        method: 'POST',
        url: '/v1/events',
        headers: { authorization: '[Redacted]', 'content-type': 'application/json' },
      },
      res: { statusCode: 202 },
    });
    expect(typeof (lines[0].req as { id: unknown }).id).toBe('string');
    expect(typeof lines[0].responseTime).toBe('number');
    expect(lines[1]).toMatchObject({
      level: 40,
      req: { url: '/portal/callrail/a?token=[redacted]' },
      res: { statusCode: 401 },
    });
    expect(JSON.stringify(lines)).not.toMatch(/secret-key|v1\.abc\.def/);
  });

  it('writes nothing below the level: probes at info, successes at warn', async () => {
    const atInfo = await linesOf('info', (app) =>
      app.inject({ method: 'GET', url: '/health/live' }),
    );
    expect(atInfo).toEqual([]);
    const atWarn = await linesOf('warn', async (app) => {
      await app.inject({ method: 'POST', url: '/v1/events', payload: {} });
      await app.inject({ method: 'GET', url: '/portal/callrail/a' });
    });
    expect(atWarn.map((line) => line.res)).toEqual([{ statusCode: 401 }]);
  });
});

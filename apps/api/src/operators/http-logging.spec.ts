import type { IncomingMessage, ServerResponse } from 'node:http';
import { configSchema } from '@referrals/runtime';
import { httpLogging, redactToken } from './http-logging';

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

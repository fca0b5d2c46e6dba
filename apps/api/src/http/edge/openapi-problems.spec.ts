import { openApiDocument } from '../../openapi';

describe('the OpenAPI document', () => {
  const document = openApiDocument();
  const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(
      methods as Record<string, { responses: Record<string, { content?: object }> }>,
    ).map(([method, operation]) => ({ name: `${method} ${path}`, responses: operation.responses })),
  );

  it('describes every error of every operation as a problem+json document', () => {
    const errors = operations.flatMap(({ name, responses }) =>
      Object.entries(responses)
        .filter(([status]) => Number(status) >= 400)
        .map(([status, response]) => ({ name, status, content: response.content })),
    );
    expect(errors.length).toBeGreaterThan(operations.length);
    for (const error of errors)
      expect(error).toEqual({
        ...error,
        content: {
          'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } },
        },
      });
    expect(document.components.schemas.Problem.required).toEqual(['type', 'title', 'status']);
  });

  it('gives each operation 405 and 503, and those with a body 408, 413 and 415', () => {
    const events = operations.find((o) => o.name === 'post /v1/events')!;
    expect(Object.keys(events.responses)).toEqual(
      expect.arrayContaining(['400', '405', '408', '413', '415', '503']),
    );
    for (const { responses } of operations)
      expect(Object.keys(responses)).toEqual(expect.arrayContaining(['405', '503']));
  });
});

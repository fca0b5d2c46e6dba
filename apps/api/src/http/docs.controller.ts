import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Controller, Get, Header, NotFoundException, Param, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { openApiDocument } from '../openapi';

const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'application/javascript; charset=utf-8',
};

/** The OpenAPI document and Swagger UI, served from the installed package (no network). */
@Controller('docs')
export class DocsController {
  private readonly document = openApiDocument();

  @Get()
  @Header('content-type', 'text/html; charset=utf-8')
  page() {
    return `<!doctype html><html><head><title>Referral engine API</title>
<link rel="stylesheet" href="/docs/assets/swagger-ui.css"></head>
<body><div id="ui"></div><script src="/docs/assets/swagger-ui-bundle.js"></script>
<script>SwaggerUIBundle({ url: '/docs/json', dom_id: '#ui' });</script></body></html>`;
  }

  @Get('json')
  json() {
    return this.document;
  }

  @Get('assets/:file')
  asset(@Param('file') file: string, @Res({ passthrough: true }) reply: FastifyReply) {
    // Own keys only: `toString` is in every object, and no file.
    const type = Object.hasOwn(ASSETS, file) ? ASSETS[file] : undefined;
    if (!type) throw new NotFoundException();
    reply.header('content-type', type);
    return readFileSync(join(SWAGGER_UI, file));
  }
}

const SWAGGER_UI = dirname(require.resolve('swagger-ui-dist/swagger-ui-bundle.js'));

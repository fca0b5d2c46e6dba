import {
  CanActivate,
  ExecutionContext,
  ForbiddenException,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ApiKeys, Caller, mayReach } from './api-keys';

export type AuthedRequest = FastifyRequest & { caller?: Caller };

/** 401 without a valid bearer key; 403 when a route's `:program` is another program's. */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(private readonly keys: ApiKeys) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<AuthedRequest>();
    const header = request.headers.authorization ?? '';
    const match = /^Bearer (.+)$/i.exec(header);
    const caller = match ? this.keys.identify(match[1].trim()) : undefined;
    if (!caller) throw new UnauthorizedException('a valid Authorization: Bearer key is required');
    const program = (request.params as Record<string, string> | undefined)?.program;
    if (program !== undefined && !mayReach(caller, program)) {
      throw new ForbiddenException(`this key does not reach program ${program}`);
    }
    request.caller = caller;
    return true;
  }
}

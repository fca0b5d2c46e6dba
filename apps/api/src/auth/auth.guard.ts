import {
  CanActivate,
  ExecutionContext,
  ForbiddenException,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { AdminOnly } from './admin-only';
import { ApiKeys, Caller, mayReach } from './api-keys';
import { bearerKey } from './bearer';

export type AuthedRequest = FastifyRequest & { caller?: Caller };

/**
 * 401 without a valid bearer key; 403 when a route's `:program` is another
 * program's, or the route is `@AdminOnly()` and the key is a program's. Guards
 * run before pipes, so this is decided before anything about the body.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly keys: ApiKeys,
    private readonly reflector: Reflector,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<AuthedRequest>();
    const caller = callerOf(this.keys, request.headers.authorization);
    const adminOnly = this.reflector.getAllAndOverride(AdminOnly, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (adminOnly && !caller.admin) throw new ForbiddenException('the admin key is required');
    const program = (request.params as Record<string, string> | undefined)?.program;
    if (program !== undefined && !mayReach(caller, program)) {
      throw new ForbiddenException(`this key does not reach program ${program}`);
    }
    request.caller = caller;
    return true;
  }
}

/** The caller of an `Authorization` header, or 401: the guard's first step, for a route outside Nest too. */
export function callerOf(keys: ApiKeys, authorization: string | undefined): Caller {
  const key = bearerKey(authorization);
  const caller = key === undefined ? undefined : keys.identify(key);
  if (!caller) throw new UnauthorizedException('a valid Authorization: Bearer key is required');
  return caller;
}

import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { Observable } from 'rxjs';
import { RejectedBody } from './json-body';

/**
 * Throws the problem of a refused body (415 for another media type, 400 for
 * bad JSON…), on every route, whether or not it reads a body: the contract
 * answers a body that is not JSON with 415 wherever it is sent. Interceptors
 * run after guards, so a caller without the right key hears 401/403 before
 * anything about its body.
 */
@Injectable()
export class RejectedBodyInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const body: unknown = context.switchToHttp().getRequest<{ body?: unknown }>().body;
    if (body instanceof RejectedBody) throw body.problem;
    return next.handle();
  }
}

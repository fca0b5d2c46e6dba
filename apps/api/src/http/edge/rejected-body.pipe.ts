import { ArgumentMetadata, Injectable, PipeTransform } from '@nestjs/common';
import { RejectedBody } from './json-body';

/**
 * Throws the problem of a refused body when a route asks for its body. Pipes
 * run after guards, so a caller without the right key hears 401/403 before
 * anything about its body.
 */
@Injectable()
export class RejectedBodyPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata) {
    if (metadata.type === 'body' && value instanceof RejectedBody) throw value.problem;
    return value;
  }
}

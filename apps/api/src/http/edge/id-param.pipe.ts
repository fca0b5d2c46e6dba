import { ArgumentMetadata, Injectable, PipeTransform } from '@nestjs/common';
import { identifier } from '@referrals/contracts';
import { invalidInput } from './problem';

/**
 * A path parameter that names an id (an account, a referee, a reward, a
 * batch, a delivery) is held to §1's id rule: 1 to 200 characters, no control
 * characters, no lone surrogates. No event can carry any other, so such a
 * request is a 400 naming the parameter, before a store sees it: PostgreSQL
 * refuses a NUL in text outright, and a control character in an id to issue
 * a code for would be refused only deep in the ingestor.
 */
@Injectable()
export class IdParamPipe implements PipeTransform<unknown, unknown> {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type !== 'param') return value;
    const checked = identifier.safeParse(value);
    if (checked.success) return value;
    const name = metadata.data ?? '(path)';
    throw invalidInput(
      `${name} is not an id any event could carry; nothing was read or stored`,
      checked.error.issues.map((issue) => ({ path: name, rule: issue.message })),
    );
  }
}

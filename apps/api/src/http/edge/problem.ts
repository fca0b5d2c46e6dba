import { STATUS_CODES } from 'node:http';
import { HttpException } from '@nestjs/common';
import type { Problem, ProblemDocument } from '@referrals/contracts';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** How long a client waits before trying again while the store is unreachable. */
export const RETRY_AFTER_SECONDS = 5;

export interface ProblemInit {
  /** A slug naming a kind of problem this API defines; without one the status says it all (`about:blank`). */
  readonly kind?: string;
  readonly title?: string;
  readonly detail?: string;
  readonly problems?: readonly Problem[];
}

/**
 * One RFC 9457 problem. Kinds this API defines get a `urn:referrals:problem:`
 * type clients can switch on; the rest are `about:blank`, titled by the HTTP
 * status phrase as the RFC asks.
 */
export function problemDocument(status: number, init: ProblemInit = {}): ProblemDocument {
  return {
    type: init.kind ? `urn:referrals:problem:${init.kind}` : 'about:blank',
    title: init.title ?? STATUS_CODES[status] ?? 'Error',
    status,
    ...(init.detail !== undefined && { detail: init.detail }),
    ...(init.problems !== undefined && init.problems.length > 0 && { problems: init.problems }),
  };
}

/** An HTTP error carried as its problem document, with the headers it needs (`Allow`, `Retry-After`). */
export class ProblemException extends HttpException {
  readonly problem: ProblemDocument;

  constructor(
    status: number,
    init: ProblemInit = {},
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    const problem = problemDocument(status, init);
    super(problem, status);
    this.problem = problem;
  }
}

/** The problems of invalid input: 400 with every rule broken, by path. */
export const invalidInput = (
  detail: string,
  problems: readonly Problem[],
  kind = 'invalid-input',
) => new ProblemException(400, { kind, title: 'Invalid input', detail, problems });

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
  /** RFC 9457 extension members (a readiness report's fields); they never replace the standard ones. */
  readonly extensions?: Readonly<Record<string, unknown>>;
}

/**
 * One RFC 9457 problem. Kinds this API defines get a `urn:referrals:problem:`
 * type clients can switch on; the rest are `about:blank`, titled by the HTTP
 * status phrase as the RFC asks.
 */
export function problemDocument(status: number, init: ProblemInit = {}): ProblemDocument {
  const standard: ProblemDocument = {
    type: init.kind ? `urn:referrals:problem:${init.kind}` : 'about:blank',
    title: init.title ?? STATUS_CODES[status] ?? 'Error',
    status,
    ...(init.detail !== undefined && { detail: init.detail }),
    ...(init.problems !== undefined && init.problems.length > 0 && { problems: init.problems }),
  };
  // The standard members first and with their own values, then the extensions.
  return init.extensions ? { ...standard, ...init.extensions, ...standard } : standard;
}

/**
 * The answer to a request while the event store cannot be reached, to be
 * retried after RETRY_AFTER_SECONDS: by a route whose store call failed, and
 * by every route while the API waits for its store at start-up.
 */
export const storeUnavailableProblem = (): ProblemDocument =>
  problemDocument(503, {
    kind: 'store-unavailable',
    title: 'Event store unavailable',
    detail: 'the event store cannot be reached; nothing of this request was stored',
  });

export const RETRY_AFTER_HEADERS: Readonly<Record<string, string>> = {
  'retry-after': String(RETRY_AFTER_SECONDS),
};

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

import { z } from 'zod';
import { billingEventSchema } from '@referrals/contracts';
import { payoutBatchRequestSchema } from './http/admin.controller';
import { problemSchema, withProblemResponses } from './http/edge/openapi-problems';

/**
 * The OpenAPI document, its request schema generated from the contract's zod
 * schemas (never written twice).
 */
export function openApiDocument() {
  const event = z.toJSONSchema(billingEventSchema, {
    target: 'openapi-3.0',
    unrepresentable: 'any',
  });
  const batchRequest = z.toJSONSchema(payoutBatchRequestSchema, { target: 'openapi-3.0' });
  const batchId = [{ name: 'batchId', in: 'path', required: true, schema: { type: 'string' } }];
  const adminOnly = {
    '401': { description: 'No valid key' },
    '403': { description: 'Not the admin key' },
  };
  /** An admin step on cash awaiting approval; each is an event in the reward's stream. */
  const cashAction = (verb: string, done: string) => ({
    post: {
      summary: `${verb} cash awaiting approval (an event in the reward stream)`,
      parameters: [{ name: 'rewardId', in: 'path', required: true, schema: { type: 'string' } }],
      responses: {
        '200': { description: `The reward, ${done}` },
        '404': { description: 'No such reward' },
        '409': { description: 'Not cash, or not awaiting approval' },
        ...adminOnly,
      },
    },
  });
  const account = [
    { name: 'program', in: 'path', required: true, schema: { type: 'string' } },
    { name: 'accountId', in: 'path', required: true, schema: { type: 'string' } },
  ];
  return withProblemResponses({
    openapi: '3.0.3',
    info: {
      title: 'Referral engine',
      version: '1',
      description: 'Billing events in; referrals and rewards out.',
    },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: { BillingEvent: event, Problem: problemSchema },
    },
    security: [{ bearer: [] }],
    paths: {
      '/v1/events': {
        post: {
          summary: 'Store one billing event or a batch of up to 1,000 (all or nothing)',
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: {
                  oneOf: [
                    { $ref: '#/components/schemas/BillingEvent' },
                    {
                      type: 'array',
                      maxItems: 1000,
                      items: { $ref: '#/components/schemas/BillingEvent' },
                    },
                  ],
                },
              },
            },
          },
          responses: {
            '202': {
              description: 'Stored; duplicates of `(program, id)` are counted, not stored again',
            },
            '400': { description: 'Malformed: every problem by path; nothing stored' },
            '401': { description: 'No valid key' },
            '403': { description: "Another program's events" },
            '409': { description: 'A referral code another account holds; nothing stored' },
            '413': { description: 'Body too large' },
          },
        },
      },
      '/v1/stripe/{program}/webhook': {
        post: {
          summary:
            "Stripe's webhook for a program: signed by Stripe (Stripe-Signature over the raw body), mapped to contract events",
          security: [],
          parameters: [
            { name: 'program', in: 'path', required: true, schema: { type: 'string' } },
            { name: 'Stripe-Signature', in: 'header', required: true, schema: { type: 'string' } },
          ],
          requestBody: {
            required: true,
            content: {
              'application/json': { schema: { type: 'object', description: 'A Stripe event' } },
            },
          },
          responses: {
            '200': {
              description:
                'Kept in the raw Stripe stream; `mapping` says whether it became contract events (`mapped`), meant nothing (`ignored`) or is a type not read (`unmapped`, counted)',
            },
            '400': {
              description: 'Missing, wrong or stale signature (over 300 s); nothing stored',
            },
            '404': { description: 'The program has no Stripe webhook secret' },
            '422': {
              description:
                'Kept raw, but it maps to no valid contract event (a price without a plan, a refund of an unknown payment); Stripe retries',
            },
          },
        },
      },
      '/v1/admin/stripe/metrics': {
        get: {
          summary:
            'Stripe events received since start-up: by outcome, unmapped ones by Stripe type',
          responses: { '200': { description: 'Counters' }, ...adminOnly },
        },
      },
      '/v1/programs/{program}/accounts/{accountId}/referrals': {
        get: {
          summary: "The referrer's view of its referrals",
          parameters: account,
          responses: { '200': { description: 'Referrals' } },
        },
      },
      '/v1/programs/{program}/referrals/{refereeId}/explain': {
        get: {
          summary:
            "A referral's story from its stored decisions: the facts that mattered, what each changed, the rule that decided",
          parameters: [
            { name: 'program', in: 'path', required: true, schema: { type: 'string' } },
            { name: 'refereeId', in: 'path', required: true, schema: { type: 'string' } },
          ],
          responses: {
            '200': { description: 'The story' },
            '404': { description: 'No referral of this referee' },
          },
        },
      },
      '/v1/programs/{program}/accounts/{accountId}/rewards': {
        get: {
          summary: 'Rewards where the account is the beneficiary',
          parameters: account,
          responses: { '200': { description: 'Rewards' } },
        },
      },
      '/v1/programs/{program}/accounts/{accountId}/referral-code': {
        put: {
          summary: "Issue (or return) the account's code and share link",
          parameters: account,
          responses: { '200': { description: 'Code' } },
        },
        get: {
          summary: "The account's code and share link",
          parameters: account,
          responses: { '200': { description: 'Code' }, '404': { description: 'No code yet' } },
        },
      },
      '/v1/programs/{program}/accounts/{accountId}/portal-link': {
        post: {
          summary:
            "A signed link to the account's referrer portal, valid for PORTAL_LINK_TTL (no body)",
          parameters: account,
          responses: {
            '201': {
              description: '{ url, expiresAt }: send the signed-in user to url',
              content: {
                'application/json': {
                  schema: {
                    type: 'object',
                    properties: {
                      url: { type: 'string', format: 'uri' },
                      expiresAt: { type: 'string', format: 'date-time' },
                    },
                    required: ['url', 'expiresAt'],
                  },
                },
              },
            },
          },
        },
      },
      '/v1/programs/{program}/summary': {
        get: {
          summary: 'Referral counts by status and amounts earned by kind and unit',
          parameters: [account[0]],
          responses: { '200': { description: 'Summary' } },
        },
      },
      '/v1/programs/{program}/accounts/{accountId}/balance': {
        get: {
          summary:
            'Ledger balances by kind and unit: credit, bonus minutes net of expiries, cash still owed, discounts',
          parameters: account,
          responses: { '200': { description: 'Balances' } },
        },
      },
      '/v1/admin/rewards/{rewardId}/approve': cashAction('Approve', 'approved'),
      '/v1/admin/rewards/{rewardId}/void': cashAction('Void', 'voided'),
      '/v1/admin/payout-batches': {
        get: {
          summary: 'Every payout batch with its status and rewards',
          responses: { '200': { description: 'The batches' }, ...adminOnly },
        },
        post: {
          summary:
            'Export approved cash not in an open batch (all of it, or due by dueBefore) as a new payout batch',
          requestBody: {
            required: false,
            content: { 'application/json': { schema: batchRequest } },
          },
          responses: {
            '201': { description: 'The batch: batchId, status open, rewardIds, csv' },
            '200': { description: 'Nothing to export: batchId null' },
            '400': { description: 'dueBefore is not a date' },
            ...adminOnly,
          },
        },
      },
      '/v1/admin/payout-batches/{batchId}': {
        get: {
          summary: 'A payout batch: status (open, confirmed, cancelled), rewardIds, csv',
          parameters: batchId,
          responses: {
            '200': { description: 'The batch' },
            '404': { description: 'No such batch' },
            ...adminOnly,
          },
        },
      },
      '/v1/admin/payout-batches/{batchId}.csv': {
        get: {
          summary:
            "A payout batch's export, for a bulk-payout tool (cells safe from formula injection)",
          parameters: batchId,
          responses: {
            '200': {
              description:
                'reward_id,program,beneficiary_account_id,amount_minor,currency,amount,due_by,earned_at',
              content: { 'text/csv': { schema: { type: 'string' } } },
            },
            '404': { description: 'No such batch' },
            ...adminOnly,
          },
        },
      },
      '/v1/admin/payout-batches/{batchId}/confirm': {
        post: {
          summary: 'The batch went out: its cash is paid out, and upstream is told (reward.paid)',
          parameters: batchId,
          responses: {
            '200': { description: 'The batch, confirmed' },
            '404': { description: 'No such batch' },
            '409': { description: 'The batch was cancelled' },
            ...adminOnly,
          },
        },
      },
      '/v1/admin/payout-batches/{batchId}/cancel': {
        post: {
          summary: 'The batch will not go out: its cash is free for the next batch',
          parameters: batchId,
          responses: {
            '200': { description: 'The batch, cancelled' },
            '404': { description: 'No such batch' },
            '409': { description: 'The batch was confirmed' },
            ...adminOnly,
          },
        },
      },
      '/v1/admin/deliveries/dead': {
        get: {
          summary: 'Webhook deliveries that used up their attempts',
          responses: { '200': { description: 'Dead letters' }, ...adminOnly },
        },
      },
      '/v1/admin/deliveries/{deliveryId}/retry': {
        post: {
          summary: 'Send a dead delivery again',
          parameters: [
            { name: 'deliveryId', in: 'path', required: true, schema: { type: 'string' } },
          ],
          responses: {
            '200': { description: 'Queued again' },
            '404': { description: 'No such dead delivery' },
            ...adminOnly,
          },
        },
      },
      '/v1/admin/metrics': {
        get: {
          summary: 'Job counts per queue (payouts, timers, deliveries) and state',
          responses: { '200': { description: 'Counts' }, ...adminOnly },
        },
      },
    },
  });
}

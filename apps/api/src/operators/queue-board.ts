import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter as BullBoardFastify } from '@bull-board/fastify';
import type { Queue } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import type { ApiKeys } from '../auth/api-keys';
import { RejectedBody } from '../http/edge/json-body';
import { sendProblem } from '../http/edge/send-problem';
import { isAdmin, refuse } from './admin-key';
import { offlineViews } from './offline-views';

export const QUEUE_BOARD_PATH = '/admin/queues';

/**
 * Bull Board at /admin/queues, behind the admin key: the payouts, timers and
 * deliveries queues, their jobs by state, retries and dead letters.
 */
export async function registerQueueBoard(
  fastify: FastifyInstance,
  queues: readonly Queue[],
  keys: ApiKeys,
): Promise<void> {
  const board = new BullBoardFastify();
  createBullBoard({
    queues: queues.map((queue) => new BullMQAdapter(queue)),
    serverAdapter: board,
    options: { uiConfig: { boardTitle: 'Referral queues' } },
  });
  board.setBasePath(QUEUE_BOARD_PATH).setViewsPath(offlineViews());
  await fastify.register(async (scope) => {
    // Every route of the board, its assets and its JSON API included, needs the admin key.
    scope.addHook('onRequest', async (request, reply) => {
      if (!isAdmin(keys, request)) return refuse(reply, 'the admin key is required');
    });
    // The board's actions read no body, but one the edge refused (not JSON, not UTF-8…) is
    // answered as on every other route (RejectedBodyInterceptor is Nest's), not ignored.
    scope.addHook('preHandler', async (request, reply) => {
      if (request.body instanceof RejectedBody) {
        const { problem, headers } = request.body.problem;
        return sendProblem(reply, problem, headers);
      }
    });
    await scope.register(board.registerPlugin(), { prefix: QUEUE_BOARD_PATH });
  });
}

/** The read models run on the event store's SQL drivers. */
export { quoteIdent } from '@referrals/event-store';
export type { SqlClient, SqlDatabase } from '@referrals/event-store';

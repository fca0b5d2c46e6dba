import type { EventStore } from '@referrals/event-store';
import { InMemoryPaymentLinks, PaymentLink } from './payment-links';
import { paymentLinkStream } from './stripe-streams';

/**
 * The links one live Stripe event needs, read from their streams before the
 * (synchronous, pure) mapping runs: the refunded payments' invoices, then
 * those invoices' customers. `payments`: the ones the event refers to
 * (paymentsReferredBy, worked out by the caller with the rest of its reading
 * of the event, so that a store error is all this can throw).
 */
export async function storedLinksFor(
  store: EventStore,
  program: string,
  payments: readonly string[],
): Promise<InMemoryPaymentLinks> {
  const links = new InMemoryPaymentLinks();
  const read = async (kind: PaymentLink['kind'], key: string) => {
    const [first] = await store.readStream(paymentLinkStream(program, { kind, key }), {
      maxCount: 1,
    });
    if (first) links.add([first.data as PaymentLink]);
  };
  await Promise.all(payments.map((id) => read('payment', id)));
  const invoices = new Set(
    payments.map((id) => links.invoiceOfPayment(id)).filter((id): id is string => !!id),
  );
  await Promise.all([...invoices].map((id) => read('invoice', id)));
  return links;
}

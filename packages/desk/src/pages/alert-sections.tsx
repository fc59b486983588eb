import type { AlertEvent, DeskAlert } from '@mastercom/contracts';
import { money, when } from '../format.js';

const ACTORS: Readonly<Record<AlertEvent['actor'], string>> = {
  rule: 'the rules',
  agent: 'an agent',
  system: 'the service',
};

const DELIVERY: Readonly<Record<string, string>> = {
  PENDING: 'Waiting to be sent to Ethoca',
  IN_FLIGHT: 'Being sent to Ethoca',
  SENT: 'Accepted by Ethoca',
  FAILED: 'Refused by Ethoca; will be tried again',
  DEAD_LETTER: 'Refused by Ethoca; no more attempts',
};

export function OutcomeSection(props: { outcome: DeskAlert['outcome'] }) {
  const { outcome } = props;
  return (
    <section aria-labelledby="outcome-heading">
      <h2 id="outcome-heading">Outcome</h2>
      {outcome === null ? (
        <p>No outcome yet.</p>
      ) : (
        <dl class="facts">
          <dt>Outcome</dt>
          <dd>{outcome.outcome.outcome}</dd>
          <dt>Refund status</dt>
          <dd>{outcome.outcome.refundStatus}</dd>
          <dt>Refund</dt>
          <dd>{money(outcome.outcome.refund.amount)}</dd>
          <dt>Decided by</dt>
          <dd>{outcome.decidedBy === 'agent' ? 'an agent' : 'the rules'}</dd>
          {outcome.outcome.comments ? (
            <>
              <dt>Comments</dt>
              <dd>{outcome.outcome.comments}</dd>
            </>
          ) : null}
          <dt>Ethoca</dt>
          <dd data-delivery={outcome.delivery}>{DELIVERY[outcome.delivery] ?? outcome.delivery}</dd>
          <dt>Attempts</dt>
          <dd>
            {outcome.attempts} (last {when(outcome.lastAttemptAt)})
          </dd>
          <dt>Accepted at</dt>
          <dd>{when(outcome.sentAt)}</dd>
          {outcome.ethocaAnswer ? (
            <>
              <dt>Ethoca's answer</dt>
              <dd>{outcome.ethocaAnswer}</dd>
            </>
          ) : null}
        </dl>
      )}
    </section>
  );
}

export function TransactionSection(props: { transaction: DeskAlert['transaction'] }) {
  const { transaction } = props;
  return (
    <section aria-labelledby="transaction-heading">
      <h2 id="transaction-heading">Matched transaction</h2>
      {transaction === null ? (
        <p>No transaction of the merchant's ledger matched this alert.</p>
      ) : (
        <dl class="facts">
          <dt>Transaction</dt>
          <dd>{transaction.transactionId}</dd>
          <dt>Matched by</dt>
          <dd>{transaction.matchMethod ?? '—'}</dd>
          <dt>Amount</dt>
          <dd>{money(transaction.amount)}</dd>
          <dt>Refunded so far</dt>
          <dd>{transaction.refunded}</dd>
          <dt>Card</dt>
          <dd>
            {transaction.card.bin}…{transaction.card.last4}
          </dd>
          <dt>When</dt>
          <dd>{when(transaction.transactionAt)}</dd>
          <dt>Settled</dt>
          <dd>{transaction.settled ? 'yes' : 'no'}</dd>
          <dt>Fulfilment</dt>
          <dd>{transaction.fulfilment}</dd>
          <dt>ARN</dt>
          <dd>{transaction.acquirerReferenceNumber ?? '—'}</dd>
          <dt>Authorisation code</dt>
          <dd>{transaction.authCode ?? '—'}</dd>
        </dl>
      )}
    </section>
  );
}

export function RefundsSection(props: { refunds: DeskAlert['refunds'] }) {
  return (
    <section aria-labelledby="refunds-heading">
      <h2 id="refunds-heading">Refunds</h2>
      {props.refunds.length === 0 ? (
        <p>No refund was asked of the PSP for this alert.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">Transaction</th>
              <th scope="col">Amount</th>
              <th scope="col">Status</th>
              <th scope="col">PSP refund</th>
              <th scope="col">Asked</th>
              <th scope="col">Last change</th>
            </tr>
          </thead>
          <tbody>
            {props.refunds.map((refund) => (
              <tr key={refund.transactionId}>
                <td>{refund.transactionId}</td>
                <td class="number">{money(refund.amount)}</td>
                <td>{refund.status}</td>
                <td>{refund.pspRefundId ?? '—'}</td>
                <td>{when(refund.createdAt)}</td>
                <td>{when(refund.updatedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

export function AlertHistory(props: { events: readonly AlertEvent[] }) {
  return (
    <section aria-labelledby="history-heading">
      <h2 id="history-heading">Status history</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Change</th>
            <th scope="col">Who</th>
            <th scope="col">Why</th>
          </tr>
        </thead>
        <tbody>
          {props.events.map((event, index) => (
            <tr key={`${event.at}-${String(index)}`}>
              <td>{when(event.at)}</td>
              <td>
                {event.fromStatus ?? 'new'} → {event.toStatus}
              </td>
              <td>{ACTORS[event.actor]}</td>
              <td>{event.reason}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

export function ClaimsSection(props: { claims: DeskAlert['claims'] }) {
  return (
    <section aria-labelledby="claims-heading">
      <h2 id="claims-heading">Mastercom claims and chargebacks</h2>
      {props.claims.length === 0 ? (
        <p>No Mastercom claim is linked to this alert.</p>
      ) : (
        props.claims.map((claim) => (
          <article key={claim.claimId} class="claim" aria-label={`Claim ${claim.claimId}`}>
            <h3>Claim {claim.claimId}</h3>
            <p>
              {claim.claimType ?? 'type unknown'} · {claim.isOpen === false ? 'closed' : 'open'} ·
              queue {claim.queueName ?? '—'} · {claim.progressState ?? ''}
            </p>
            {claim.chargebacks.length === 0 ? (
              <p>No chargeback on this claim.</p>
            ) : (
              <table>
                <thead>
                  <tr>
                    <th scope="col">Chargeback</th>
                    <th scope="col">Type</th>
                    <th scope="col">Reason</th>
                    <th scope="col">Amount</th>
                    <th scope="col">Reference</th>
                    <th scope="col">Acknowledged</th>
                  </tr>
                </thead>
                <tbody>
                  {claim.chargebacks.map((chargeback) => (
                    <tr key={chargeback.chargebackId}>
                      <td>{chargeback.chargebackId}</td>
                      <td>{chargeback.chargebackType}</td>
                      <td>{chargeback.reasonCode}</td>
                      <td class="number">{money(chargeback.amount)}</td>
                      <td>{chargeback.chargebackRefNum ?? '—'}</td>
                      <td>{when(chargeback.acknowledgedAt)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </article>
        ))
      )}
    </section>
  );
}

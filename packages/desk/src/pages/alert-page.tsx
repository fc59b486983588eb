import type { DeskAlert, DeskSession } from '@mastercom/contracts';
import { useCallback, useEffect, useState } from 'preact/hooks';
import type { DeskApi } from '../api/desk-api.js';
import { ApiProblem } from '../api/problem.js';
import { Notice } from '../components/field.js';
import { PageHeading } from '../components/page-heading.js';
import { BUCKET_LABELS, money, timeLeft, when } from '../format.js';
import { queueHref } from '../routing.js';
import {
  AlertHistory,
  ClaimsSection,
  OutcomeSection,
  RefundsSection,
  TransactionSection,
} from './alert-sections.js';
import { CasesPanel } from './cases-panel.js';
import { DecideForm } from './decide-form.js';

// While an outcome waits for Ethoca the page looks again this often, so the agent sees it arrive.
const PENDING_REFRESH_MS = 2000;

/** One alert, everything hanging on it, and the decide form when an agent may decide it now. */
export function AlertPage(props: { api: DeskApi; session: DeskSession; alertId: string }) {
  const { api, session, alertId } = props;
  const [view, setView] = useState<DeskAlert | undefined>();
  const [problem, setProblem] = useState<ApiProblem | undefined>();
  const [notice, setNotice] = useState<{ kind: 'success' | 'error'; text: string } | undefined>();

  const load = useCallback(async () => {
    try {
      setView(await api.alert(alertId));
      setProblem(undefined);
    } catch (error) {
      setProblem(error instanceof ApiProblem ? error : new ApiProblem(0, 'Error', String(error)));
    }
  }, [api, alertId]);

  useEffect(() => {
    void load();
  }, [load]);

  const waitingForEthoca =
    view?.outcome !== null &&
    view?.outcome !== undefined &&
    (view.outcome.delivery === 'PENDING' || view.outcome.delivery === 'IN_FLIGHT');
  useEffect(() => {
    if (!waitingForEthoca) return;
    const timer = window.setTimeout(() => void load(), PENDING_REFRESH_MS);
    return () => {
      window.clearTimeout(timer);
    };
  }, [waitingForEthoca, view, load]);

  if (view === undefined) {
    return (
      <main>
        <PageHeading text={`Alert ${alertId}`} />
        {problem ? (
          <Notice kind="error">
            {problem.status === 404
              ? 'There is no alert with this id.'
              : `The alert could not be read: ${problem.detail}`}
          </Notice>
        ) : (
          <p role="status">Loading…</p>
        )}
        <p>
          <a href={queueHref({})}>Back to the queue</a>
        </p>
      </main>
    );
  }

  const { alert } = view;
  return (
    <main>
      <p>
        <a href={queueHref({})}>Back to the queue</a>
      </p>
      <PageHeading text={`Alert ${alert.alertId}`} />
      {notice ? <Notice kind={notice.kind}>{notice.text}</Notice> : null}
      <section aria-labelledby="summary-heading">
        <h2 id="summary-heading">Summary</h2>
        <dl class="facts">
          <dt>Status</dt>
          <dd>{alert.status}</dd>
          <dt>Type</dt>
          <dd>{alert.alertType}</dd>
          <dt>Deadline</dt>
          <dd>
            <span class={`bucket bucket-${view.deadlineBucket}`}>
              {BUCKET_LABELS[view.deadlineBucket]}
            </span>{' '}
            {timeLeft(view.deadlineAt, new Date())} (Ethoca stops waiting at {when(view.deadlineAt)}
            )
          </dd>
          <dt>Merchant</dt>
          <dd>{alert.merchantDescriptor}</dd>
          <dt>Amount</dt>
          <dd>{money(alert.amount)}</dd>
          {alert.chargebackAmount ? (
            <>
              <dt>Chargeback amount</dt>
              <dd>{money(alert.chargebackAmount)}</dd>
            </>
          ) : null}
          <dt>Card</dt>
          <dd>
            {alert.card.bin}…{alert.card.last4}
          </dd>
          <dt>ARN</dt>
          <dd>{alert.acquirerReferenceNumber ?? '—'}</dd>
          <dt>Transaction time</dt>
          <dd>{alert.transactionTimestamp.raw || '—'}</dd>
          <dt>Alert time</dt>
          <dd>{alert.alertTimestamp.raw}</dd>
          <dt>Received</dt>
          <dd>{when(alert.receivedAt)}</dd>
        </dl>
        <details>
          <summary>The alert as Ethoca sent it (card number masked)</summary>
          <pre class="payload">{JSON.stringify(alert.payload, null, 2)}</pre>
        </details>
      </section>
      {view.decidable ? (
        session.mayDecide ? (
          <DecideForm
            api={api}
            view={view}
            onDecided={(text) => {
              setNotice({ kind: 'success', text });
              void load();
            }}
            onMovedOn={(text) => {
              setNotice({ kind: 'error', text });
              void load();
            }}
          />
        ) : (
          <section aria-labelledby="decide-heading">
            <h2 id="decide-heading">Decide</h2>
            <p>
              This alert is waiting for an agent, but your token can read and not decide. Ask for an
              agent token.
            </p>
          </section>
        )
      ) : null}
      <OutcomeSection outcome={view.outcome} />
      <TransactionSection transaction={view.transaction} />
      <RefundsSection refunds={view.refunds} />
      <AlertHistory events={alert.events} />
      <ClaimsSection claims={view.claims} />
      <CasesPanel api={api} view={view} mayAct={session.mayDecide} onChanged={() => void load()} />
    </main>
  );
}

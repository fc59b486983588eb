import { DESK_QUEUE_STATUSES, type DeskQueueResponse } from '@mastercom/contracts';
import { useEffect, useState } from 'preact/hooks';
import type { DeskApi } from '../api/desk-api.js';
import { ApiProblem } from '../api/problem.js';
import { Field, Notice } from '../components/field.js';
import { PageHeading } from '../components/page-heading.js';
import { BUCKET_LABELS, money, timeLeft, when } from '../format.js';
import { alertHref, queueHref, type QueueFilters } from '../routing.js';

const PAGE_SIZE = 25;

/** Alerts waiting for a person, nearest Ethoca deadline first, a page at a time. */
export function QueuePage(props: { api: DeskApi; filters: QueueFilters }) {
  const { api, filters } = props;
  // Cursors of the pages before this one, so "Previous page" needs no cursor arithmetic.
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const [page, setPage] = useState<DeskQueueResponse | undefined>();
  const [problem, setProblem] = useState<string | undefined>();
  const [reload, setReload] = useState(0);
  const cursor = cursors[cursors.length - 1];

  useEffect(() => {
    let current = true;
    setProblem(undefined);
    api.queue({ ...filters, cursor, limit: PAGE_SIZE }).then(
      (answer) => {
        if (current) setPage(answer);
      },
      (error: unknown) => {
        if (!current) return;
        setPage(undefined);
        setProblem(error instanceof ApiProblem ? error.detail : 'the queue could not be read');
      },
    );
    return () => {
      current = false;
    };
  }, [api, filters, cursor, reload]);

  const now = new Date();
  return (
    <main>
      <PageHeading text="Alerts waiting for an agent" />
      <QueueFilterForm filters={filters} />
      {problem ? <Notice kind="error">The queue could not be read: {problem}</Notice> : null}
      {page === undefined && problem === undefined ? <p role="status">Loading…</p> : null}
      {page !== undefined ? (
        page.items.length === 0 ? (
          <p role="status">No alert is waiting{cursors.length > 1 ? ' on this page' : ''}.</p>
        ) : (
          <table class="queue">
            <caption>
              Oldest first: the first row is nearest Ethoca's 24-hour deadline. Page{' '}
              {cursors.length}.
            </caption>
            <thead>
              <tr>
                <th scope="col">Alert</th>
                <th scope="col">Time left</th>
                <th scope="col">Status</th>
                <th scope="col">Type</th>
                <th scope="col">Merchant</th>
                <th scope="col">Amount</th>
                <th scope="col">Card</th>
                <th scope="col">Received</th>
              </tr>
            </thead>
            <tbody>
              {page.items.map((item) => (
                <tr key={item.alertId}>
                  <th scope="row">
                    <a href={alertHref(item.alertId)}>{item.alertId}</a>
                  </th>
                  <td>
                    <span class={`bucket bucket-${item.deadlineBucket}`}>
                      {BUCKET_LABELS[item.deadlineBucket]}
                    </span>{' '}
                    {timeLeft(item.deadlineAt, now)}
                  </td>
                  <td>{item.status}</td>
                  <td>{item.alertType}</td>
                  <td>{item.merchantDescriptor}</td>
                  <td class="number">{money(item.amount)}</td>
                  <td>
                    {item.card.bin}…{item.card.last4}
                  </td>
                  <td>{when(item.receivedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )
      ) : null}
      <nav class="pager" aria-label="Queue pages">
        <button
          type="button"
          class="secondary"
          disabled={cursors.length <= 1}
          onClick={() => {
            setCursors(cursors.slice(0, -1));
          }}
        >
          Previous page
        </button>
        <button
          type="button"
          class="secondary"
          disabled={page?.nextCursor == null}
          onClick={() => {
            if (page?.nextCursor) setCursors([...cursors, page.nextCursor]);
          }}
        >
          Next page
        </button>
        <button
          type="button"
          class="secondary"
          onClick={() => {
            setReload(reload + 1);
          }}
        >
          Refresh
        </button>
      </nav>
    </main>
  );
}

function QueueFilterForm(props: { filters: QueueFilters }) {
  const [status, setStatus] = useState(props.filters.status ?? '');
  const [type, setType] = useState<string>(props.filters.type ?? '');
  const [merchant, setMerchant] = useState(props.filters.merchant ?? '');
  return (
    <form
      class="filters"
      aria-label="Filter the queue"
      onSubmit={(event) => {
        event.preventDefault();
        window.location.hash = queueHref({
          ...(status === '' ? {} : { status: status as QueueFilters['status'] }),
          ...(type === '' ? {} : { type: type as QueueFilters['type'] }),
          ...(merchant.trim() === '' ? {} : { merchant: merchant.trim() }),
        });
      }}
    >
      <Field id="filter-status" label="Status">
        {() => (
          <select
            id="filter-status"
            value={status}
            onChange={(event) => {
              setStatus(event.currentTarget.value);
            }}
          >
            <option value="">Any</option>
            {DESK_QUEUE_STATUSES.map((value) => (
              <option key={value} value={value}>
                {value}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field id="filter-type" label="Type">
        {() => (
          <select
            id="filter-type"
            value={type}
            onChange={(event) => {
              setType(event.currentTarget.value);
            }}
          >
            <option value="">Any</option>
            <option value="CONFIRMEDFRAUD">CONFIRMEDFRAUD</option>
            <option value="CUSTOMERDISPUTE">CUSTOMERDISPUTE</option>
          </select>
        )}
      </Field>
      <Field id="filter-merchant" label="Merchant descriptor starts with">
        {() => (
          <input
            id="filter-merchant"
            type="search"
            maxLength={64}
            value={merchant}
            onInput={(event) => {
              setMerchant(event.currentTarget.value);
            }}
          />
        )}
      </Field>
      <button type="submit">Apply filters</button>
    </form>
  );
}

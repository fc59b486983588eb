import type { CaseRecord, DeskAlert, StoredDocument } from '@mastercom/contracts';
import { useEffect, useState } from 'preact/hooks';
import type { DeskApi } from '../api/desk-api.js';
import { ApiProblem } from '../api/problem.js';
import { Notice } from '../components/field.js';
import { CASE_TYPE_NAMES } from '../forms/case-form.js';
import { when } from '../format.js';
import { AttachDocumentForm } from './attach-document-form.js';
import { FileCaseForm } from './file-case-form.js';

/** The Mastercom cases filed for the alert or its claims, their documents, and filing one. */
export function CasesPanel(props: {
  api: DeskApi;
  view: DeskAlert;
  mayAct: boolean;
  onChanged: () => void;
}) {
  const { api, view, mayAct } = props;
  return (
    <section aria-labelledby="cases-heading">
      <h2 id="cases-heading">Mastercom cases</h2>
      {view.cases.length === 0 ? <p>No case was filed for this alert or its claims.</p> : null}
      {view.cases.map((record) => (
        <CaseCard key={record.caseId} api={api} record={record} mayAct={mayAct} />
      ))}
      {mayAct ? (
        <details class="file-case">
          <summary>File a case</summary>
          <FileCaseForm api={api} view={view} onFiled={props.onChanged} />
        </details>
      ) : null}
    </section>
  );
}

function CaseCard(props: { api: DeskApi; record: CaseRecord; mayAct: boolean }) {
  const { api, record } = props;
  const [documents, setDocuments] = useState<StoredDocument[] | undefined>();
  const [problem, setProblem] = useState<string | undefined>();
  const [reload, setReload] = useState(0);
  useEffect(() => {
    let current = true;
    api.caseDocuments(record.caseId).then(
      (items) => {
        if (current) setDocuments(items);
      },
      (error: unknown) => {
        if (current)
          setProblem(error instanceof ApiProblem ? error.detail : 'documents could not be read');
      },
    );
    return () => {
      current = false;
    };
  }, [api, record.caseId, reload]);
  return (
    <article class="case" aria-label={`Case ${record.caseId}`}>
      <h3>
        Case {record.caseId}: {CASE_TYPE_NAMES[record.caseType] ?? record.caseType}, {record.status}
      </h3>
      <p>
        {record.disputeAmount} {record.currencyCode} · filed as{' '}
        {record.filingAs === 'A' ? 'acquirer' : 'issuer'} · {when(record.createdAt)}
        {record.claimId ? ` · claim ${record.claimId}` : ''}
        {record.rulingStatus ? ` · ruling ${record.rulingStatus}` : ''}
      </p>
      <h4>Documents</h4>
      {problem ? <Notice kind="error">{problem}</Notice> : null}
      {documents === undefined ? (
        problem ? null : (
          <p role="status">Loading documents…</p>
        )
      ) : documents.length === 0 ? (
        <p>No document yet.</p>
      ) : (
        <ul class="documents">
          {documents.map((document) => (
            <li key={document.documentId}>
              {document.filename} ({document.contentType}, {document.sizeBytes.toLocaleString()}{' '}
              bytes) ·{' '}
              {document.forwardedAt === null
                ? 'not sent to Mastercom yet'
                : `sent ${when(document.forwardedAt)}`}
            </li>
          ))}
        </ul>
      )}
      {props.mayAct ? (
        <AttachDocumentForm
          api={api}
          caseId={record.caseId}
          onAttached={() => {
            setReload(reload + 1);
          }}
        />
      ) : null}
    </article>
  );
}

import { useState } from 'preact/hooks';
import type { DeskApi } from '../api/desk-api.js';
import { refusalOf } from '../api/problem.js';
import { Field, Notice } from '../components/field.js';
import { checkDocument } from '../forms/document-form.js';
import { errorsAt, type FieldErrors } from '../forms/field-errors.js';

/** Stores a PDF, TIFF or JPEG with a case; it goes to Mastercom with the case's next action. */
export function AttachDocumentForm(props: {
  api: DeskApi;
  caseId: string;
  onAttached: () => void;
}) {
  const id = `attach-${props.caseId}`;
  const [file, setFile] = useState<File | undefined>();
  const [memo, setMemo] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [result, setResult] = useState<{ kind: 'success' | 'error'; text: string } | undefined>();
  const [sending, setSending] = useState(false);
  return (
    <form
      class="attach"
      aria-label={`Attach a document to case ${props.caseId}`}
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        const form = event.currentTarget;
        const found = checkDocument(file, memo);
        setErrors(found);
        setResult(undefined);
        if (Object.keys(found).length > 0 || file === undefined) return;
        setSending(true);
        props.api
          .attachDocument(props.caseId, file, memo.trim() === '' ? undefined : memo.trim())
          .then(
            (stored) => {
              setResult({ kind: 'success', text: `${stored.filename} is stored with the case.` });
              setFile(undefined);
              setMemo('');
              form.reset();
              props.onAttached();
            },
            (error: unknown) => {
              const refusal = refusalOf(error, 'The document was not stored');
              setErrors(refusal.fieldErrors);
              setResult({ kind: 'error', text: refusal.text });
            },
          )
          .finally(() => {
            setSending(false);
          });
      }}
    >
      {result ? <Notice kind={result.kind}>{result.text}</Notice> : null}
      <Field
        id={`${id}-file`}
        label="Document (PDF, TIFF or JPEG, up to 16.5 MB)"
        errors={errorsAt(errors, 'file')}
      >
        {(describedBy, invalid) => (
          <input
            id={`${id}-file`}
            type="file"
            accept="application/pdf,image/tiff,image/jpeg"
            aria-describedby={describedBy}
            aria-invalid={invalid}
            onChange={(event) => {
              setFile(event.currentTarget.files?.[0]);
            }}
          />
        )}
      </Field>
      <Field id={`${id}-memo`} label="Memo (optional)" errors={errorsAt(errors, 'memo')}>
        {(describedBy, invalid) => (
          <input
            id={`${id}-memo`}
            value={memo}
            maxLength={13_000}
            aria-describedby={describedBy}
            aria-invalid={invalid}
            onInput={(event) => {
              setMemo(event.currentTarget.value);
            }}
          />
        )}
      </Field>
      <button type="submit" class="secondary" disabled={sending}>
        {sending ? 'Uploading…' : 'Attach document'}
      </button>
    </form>
  );
}

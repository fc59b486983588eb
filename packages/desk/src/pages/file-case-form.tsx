import type { DeskAlert } from '@mastercom/contracts';
import { useState } from 'preact/hooks';
import type { DeskApi } from '../api/desk-api.js';
import { refusalOf } from '../api/problem.js';
import { ErrorSummary, Field, Notice } from '../components/field.js';
import {
  CASE_FIELDS,
  CASE_TYPE_NAMES,
  initialCaseForm,
  toCaseRequest,
  type CaseFormValues,
} from '../forms/case-form.js';
import { errorsAt, errorsElsewhere, type FieldErrors } from '../forms/field-errors.js';

const LABELS: Readonly<Record<keyof CaseFormValues, { label: string; hint?: string }>> = {
  caseType: { label: 'Case type' },
  filingAs: { label: 'Filing as' },
  chargebackRefNum: {
    label: 'Chargeback reference number',
    hint: '10 digits; required for arbitration cases.',
  },
  acquirerRefNum: { label: 'Acquirer reference number (ARN)' },
  chargebackReasonCode: {
    label: 'Chargeback reason code',
    hint: 'Pre-arbitration and arbitration.',
  },
  violationCode: { label: 'Violation code', hint: 'Pre-compliance and compliance.' },
  violationDate: { label: 'Violation date', hint: 'yyyy-mm-dd; pre-compliance and compliance.' },
  disputeAmount: { label: 'Dispute amount', hint: 'Up to two decimals, such as 125.00.' },
  currencyCode: { label: 'Currency' },
  filingIca: { label: 'Filing ICA' },
  filedAgainstIca: { label: 'Filed against ICA' },
  customerFilingNumber: {
    label: 'Customer filing number (optional)',
    hint: 'Up to 15 digits; files once.',
  },
  memo: { label: 'Memo', hint: 'What the case is about; up to 13,000 characters.' },
};

/** Files a Mastercom case with the fields the API takes, checked with its own schema first. */
export function FileCaseForm(props: { api: DeskApi; view: DeskAlert; onFiled: () => void }) {
  const [values, setValues] = useState<CaseFormValues>(() => initialCaseForm(props.view));
  const [errors, setErrors] = useState<FieldErrors>({});
  const [result, setResult] = useState<{ kind: 'success' | 'error'; text: string } | undefined>();
  const [sending, setSending] = useState(false);
  const elsewhere = errorsElsewhere(errors, CASE_FIELDS);

  const control = (
    name: keyof CaseFormValues,
    describedBy: string | undefined,
    invalid: boolean,
  ) => {
    const common = {
      id: `case-${name}`,
      name,
      value: values[name],
      'aria-describedby': describedBy,
      'aria-invalid': invalid,
    };
    const onValue = (event: { currentTarget: { value: string } }) => {
      setValues({ ...values, [name]: event.currentTarget.value });
    };
    if (name === 'caseType') {
      return (
        <select {...common} onChange={onValue}>
          {Object.entries(CASE_TYPE_NAMES).map(([code, label]) => (
            <option key={code} value={code}>
              {label}
            </option>
          ))}
        </select>
      );
    }
    if (name === 'filingAs') {
      return (
        <select {...common} onChange={onValue}>
          <option value="A">Acquirer</option>
          <option value="I">Issuer</option>
        </select>
      );
    }
    if (name === 'memo') return <textarea {...common} rows={4} onInput={onValue} />;
    return <input {...common} onInput={onValue} />;
  };

  return (
    <form
      noValidate
      aria-label="File a Mastercom case"
      onSubmit={(event) => {
        event.preventDefault();
        setResult(undefined);
        const checked = toCaseRequest(values);
        if (!checked.ok) {
          setErrors(checked.errors);
          return;
        }
        setErrors({});
        setSending(true);
        props.api
          .fileCase(checked.request)
          .then(
            (filed) => {
              setResult({
                kind: 'success',
                text: `Case ${filed.caseId} was filed with Mastercom.`,
              });
              props.onFiled();
            },
            (error: unknown) => {
              const refusal = refusalOf(error, 'The case was not filed');
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
      <ErrorSummary errors={elsewhere} />
      <div class="grid">
        {CASE_FIELDS.map((name) => (
          <Field
            key={name}
            id={`case-${name}`}
            label={LABELS[name].label}
            hint={LABELS[name].hint}
            errors={errorsAt(errors, name)}
          >
            {(describedBy, invalid) => control(name, describedBy, invalid)}
          </Field>
        ))}
      </div>
      <button type="submit" disabled={sending}>
        {sending ? 'Filing…' : 'File case'}
      </button>
    </form>
  );
}

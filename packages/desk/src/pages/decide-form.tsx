import type { DeskAlert } from '@mastercom/contracts';
import { useState } from 'preact/hooks';
import type { DeskApi } from '../api/desk-api.js';
import { ApiProblem, refusalOf } from '../api/problem.js';
import { ErrorSummary, Field, Notice } from '../components/field.js';
import { errorsAt, errorsElsewhere, type FieldErrors } from '../forms/field-errors.js';
import {
  initialOutcomeForm,
  OUTCOME_FIELD_PATHS,
  outcomeChoices,
  REFUND_STATUSES,
  REFUND_TYPES,
  toOutcomeRequest,
  type OutcomeFormValues,
} from '../forms/outcome-form.js';

/**
 * The agent's decision: only the outcomes Ethoca accepts for this alert's type, checked with the
 * API's schema before it is sent and shown field by field when the service refuses it.
 */
export function DecideForm(props: {
  api: DeskApi;
  view: DeskAlert;
  onDecided: (message: string) => void;
  onMovedOn: (message: string) => void;
}) {
  const { alert } = props.view;
  const [values, setValues] = useState<OutcomeFormValues>(() => initialOutcomeForm(alert));
  const [errors, setErrors] = useState<FieldErrors>({});
  const [failure, setFailure] = useState<string | undefined>();
  const [sending, setSending] = useState(false);
  const set = (name: keyof OutcomeFormValues) => (event: { currentTarget: { value: string } }) => {
    setValues({ ...values, [name]: event.currentTarget.value });
  };
  const at = (name: keyof OutcomeFormValues) => errorsAt(errors, OUTCOME_FIELD_PATHS[name]);
  const elsewhere = errorsElsewhere(errors, Object.values(OUTCOME_FIELD_PATHS));

  const submit = async () => {
    setFailure(undefined);
    const checked = toOutcomeRequest(alert, values);
    if (!checked.ok) {
      setErrors(checked.errors);
      return;
    }
    setErrors({});
    setSending(true);
    try {
      const accepted = await props.api.decide(alert.alertId, checked.request);
      props.onDecided(`Outcome ${accepted.outcome} recorded; it is queued for Ethoca.`);
    } catch (error) {
      if (error instanceof ApiProblem && error.status === 409) {
        props.onMovedOn(
          `This alert moved on while you were deciding, so your decision was not recorded: ${error.detail}. The page now shows where it stands.`,
        );
        return;
      }
      const refusal = refusalOf(error, 'The decision was not recorded');
      setErrors(refusal.fieldErrors);
      setFailure(refusal.text);
    } finally {
      setSending(false);
    }
  };

  const refunded = values.refundStatus === 'REFUNDED';
  return (
    <section aria-labelledby="decide-heading">
      <h2 id="decide-heading">Decide</h2>
      {failure ? <Notice kind="error">{failure}</Notice> : null}
      <ErrorSummary errors={elsewhere} />
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          void submit();
        }}
      >
        <Field
          id="outcome"
          label="Outcome"
          hint={`The outcomes Ethoca accepts for a ${alert.alertType} alert.`}
          errors={at('outcome')}
        >
          {(describedBy, invalid) => (
            <select
              id="outcome"
              name="outcome"
              value={values.outcome}
              onChange={set('outcome')}
              aria-describedby={describedBy}
              aria-invalid={invalid}
            >
              <option value="">Choose an outcome</option>
              {outcomeChoices(alert).map((code) => (
                <option key={code} value={code}>
                  {code}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field id="refund-status" label="Refund status" errors={at('refundStatus')}>
          {(describedBy, invalid) => (
            <select
              id="refund-status"
              name="refundStatus"
              value={values.refundStatus}
              onChange={set('refundStatus')}
              aria-describedby={describedBy}
              aria-invalid={invalid}
            >
              {REFUND_STATUSES.map((status) => (
                <option key={status} value={status}>
                  {status}
                </option>
              ))}
            </select>
          )}
        </Field>
        {refunded ? (
          <fieldset>
            <legend>Refund made outside the service</legend>
            <Field id="refund-value" label="Amount" errors={at('refundValue')}>
              {(describedBy, invalid) => (
                <input
                  id="refund-value"
                  name="refundValue"
                  inputMode="decimal"
                  value={values.refundValue}
                  onInput={set('refundValue')}
                  aria-describedby={describedBy}
                  aria-invalid={invalid}
                />
              )}
            </Field>
            <Field id="refund-currency" label="Currency" errors={at('refundCurrency')}>
              {(describedBy, invalid) => (
                <input
                  id="refund-currency"
                  name="refundCurrency"
                  maxLength={3}
                  value={values.refundCurrency}
                  onInput={set('refundCurrency')}
                  aria-describedby={describedBy}
                  aria-invalid={invalid}
                />
              )}
            </Field>
            <Field id="refund-type" label="Refund type" errors={at('refundType')}>
              {(describedBy, invalid) => (
                <select
                  id="refund-type"
                  name="refundType"
                  value={values.refundType}
                  onChange={set('refundType')}
                  aria-describedby={describedBy}
                  aria-invalid={invalid}
                >
                  {REFUND_TYPES.map((type) => (
                    <option key={type} value={type}>
                      {type}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          </fieldset>
        ) : null}
        <Field
          id="comments"
          label="Comments for Ethoca (optional)"
          hint="At most 1,024 characters."
          errors={at('comments')}
        >
          {(describedBy, invalid) => (
            <textarea
              id="comments"
              name="comments"
              rows={3}
              value={values.comments}
              onInput={set('comments')}
              aria-describedby={describedBy}
              aria-invalid={invalid}
            />
          )}
        </Field>
        <button type="submit" disabled={sending}>
          {sending ? 'Sending…' : 'Record outcome'}
        </button>
      </form>
    </section>
  );
}

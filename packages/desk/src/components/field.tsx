import type { ComponentChildren } from 'preact';

/**
 * A labelled input with its hint and errors, tied together for screen readers
 * (`aria-describedby`, `aria-invalid`). `children` renders the control with the given id.
 */
export function Field(props: {
  id: string;
  label: string;
  hint?: string | undefined;
  errors?: readonly string[] | undefined;
  children: (describedBy: string | undefined, invalid: boolean) => ComponentChildren;
}) {
  const errors = props.errors ?? [];
  const described = [
    props.hint ? `${props.id}-hint` : '',
    errors.length > 0 ? `${props.id}-errors` : '',
  ]
    .filter((id) => id !== '')
    .join(' ');
  return (
    <div class={errors.length > 0 ? 'field field-invalid' : 'field'}>
      <label for={props.id}>{props.label}</label>
      {props.hint ? (
        <p class="hint" id={`${props.id}-hint`}>
          {props.hint}
        </p>
      ) : null}
      {props.children(described === '' ? undefined : described, errors.length > 0)}
      {errors.length > 0 ? (
        <ul class="field-errors" id={`${props.id}-errors`}>
          {errors.map((message) => (
            <li key={message}>{message}</li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

/** The outcome of a form's last submission, announced to screen readers as it changes. */
export function Notice(props: { kind: 'error' | 'success' | 'info'; children: ComponentChildren }) {
  return (
    <div class={`notice notice-${props.kind}`} role={props.kind === 'error' ? 'alert' : 'status'}>
      {props.children}
    </div>
  );
}

/** Errors the service gave for no input of the form, listed above it with the field they name. */
export function ErrorSummary(props: { errors: readonly { field: string; message: string }[] }) {
  if (props.errors.length === 0) return null;
  return (
    <Notice kind="error">
      <ul>
        {props.errors.map(({ field, message }) => (
          <li key={`${field}:${message}`}>
            {field}: {message}
          </li>
        ))}
      </ul>
    </Notice>
  );
}

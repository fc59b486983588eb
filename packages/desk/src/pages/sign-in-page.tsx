import { useState } from 'preact/hooks';
import { Field, Notice } from '../components/field.js';

/** Asks for the agent's API token; the desk keeps it in this tab's session only. */
export function SignInPage(props: {
  error: string | undefined;
  checking: boolean;
  onSignIn: (token: string) => void;
}) {
  const [token, setToken] = useState('');
  const [empty, setEmpty] = useState(false);
  return (
    <main class="sign-in">
      <h1>Alert desk</h1>
      <p>
        Sign in with the API token you were given. It stays in this browser tab until you close it
        or sign out.
      </p>
      {props.error ? <Notice kind="error">{props.error}</Notice> : null}
      <form
        onSubmit={(event) => {
          event.preventDefault();
          const trimmed = token.trim();
          setEmpty(trimmed === '');
          if (trimmed !== '') props.onSignIn(trimmed);
        }}
      >
        <Field id="token" label="API token" errors={empty ? ['enter your token'] : undefined}>
          {(describedBy, invalid) => (
            <input
              id="token"
              name="token"
              type="password"
              autocomplete="off"
              spellcheck={false}
              value={token}
              aria-describedby={describedBy}
              aria-invalid={invalid}
              onInput={(event) => {
                setToken(event.currentTarget.value);
              }}
            />
          )}
        </Field>
        <button type="submit" disabled={props.checking}>
          {props.checking ? 'Checking…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}

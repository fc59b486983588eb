import type { DeskSession } from '@mastercom/contracts';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { deskApi } from './api/desk-api.js';
import { ApiProblem } from './api/problem.js';
import type { TokenStore } from './api/token-store.js';
import { AlertPage } from './pages/alert-page.js';
import { QueuePage } from './pages/queue-page.js';
import { SignInPage } from './pages/sign-in-page.js';
import { parseRoute, queueHref, type DeskRoute } from './routing.js';

/** Signs the agent in, then shows the view the URL's hash names. */
export function App(props: { store: TokenStore }) {
  const { store } = props;
  const [token, setToken] = useState(store.read());
  const [session, setSession] = useState<DeskSession | undefined>();
  const [signInError, setSignInError] = useState<string | undefined>();
  const [route, setRoute] = useState<DeskRoute>(parseRoute(window.location.hash));
  const api = useMemo(() => (token === undefined ? undefined : deskApi(token)), [token]);

  useEffect(() => {
    const follow = () => {
      setRoute(parseRoute(window.location.hash));
    };
    window.addEventListener('hashchange', follow);
    return () => {
      window.removeEventListener('hashchange', follow);
    };
  }, []);

  useEffect(() => {
    if (!api) return;
    let current = true;
    api.session().then(
      (answer) => {
        if (!current) return;
        setSession(answer);
        setSignInError(undefined);
      },
      (error: unknown) => {
        if (!current) return;
        store.clear();
        setToken(undefined);
        setSignInError(signInMessage(error));
      },
    );
    return () => {
      current = false;
    };
  }, [api, store]);

  if (api === undefined || session === undefined) {
    return (
      <SignInPage
        error={signInError}
        checking={api !== undefined}
        onSignIn={(presented) => {
          store.write(presented);
          setToken(presented);
        }}
      />
    );
  }

  const signOut = () => {
    store.clear();
    setSession(undefined);
    setToken(undefined);
  };
  return (
    <>
      <header class="top">
        <a class="brand" href={queueHref({})}>
          Alert desk
        </a>
        <span class="role">
          Signed in: {session.role} token{session.mayDecide ? '' : ' (can read, not decide)'}
        </span>
        <button type="button" class="secondary" onClick={signOut}>
          Sign out
        </button>
      </header>
      {route.page === 'queue' ? (
        <QueuePage key={queueHref(route.filters)} api={api} filters={route.filters} />
      ) : (
        <AlertPage key={route.alertId} api={api} session={session} alertId={route.alertId} />
      )}
    </>
  );
}

function signInMessage(error: unknown): string {
  if (!(error instanceof ApiProblem)) return 'Signing in failed; try again.';
  if (error.status === 401) return 'The service does not know this token.';
  if (error.status === 403)
    return 'This token cannot use the desk: it needs the read or agent role.';
  return `Signing in failed: ${error.detail}`;
}

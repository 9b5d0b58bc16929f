// The portal's frame: a skip link, the header (who is signed in, sign out) and the screen of the
// current route. Without a session every route but the magic link's shows the sign-in.
import { useCallback, useEffect, useState } from 'react';
import { useApi } from './api';
import { MagicLinkPage } from './pages/MagicLinkPage';
import { NewRequestPage } from './pages/NewRequestPage';
import { RequestListPage } from './pages/RequestListPage';
import { RequestPage } from './pages/RequestPage';
import { SignInPage } from './pages/SignInPage';
import { Link, navigate, useRoute } from './router';
import type { SignedInUser } from './types';
import { t } from './strings';

export function App() {
  const api = useApi();
  const route = useRoute();
  const [user, setUser] = useState<SignedInUser | undefined>(() => api.currentUser());
  const [notice, setNotice] = useState<string>();

  useEffect(
    () =>
      api.onSignedOut(() => {
        setUser(undefined);
        setNotice(t.sessionEnded);
      }),
    [api],
  );

  // Signed in already: the sign-in page's address shows the requests.
  useEffect(() => {
    if (user && route.name === 'sign-in') navigate({ name: 'list' }, { replace: true });
  }, [user, route.name]);

  const signedIn = useCallback((u: SignedInUser) => {
    setNotice(undefined);
    setUser(u);
  }, []);

  const signOut = async () => {
    await api.signOut().catch(() => undefined);
    setUser(undefined);
    navigate({ name: 'sign-in' });
  };

  let screen;
  if (route.name === 'magic') screen = <MagicLinkPage token={route.token} onSignedIn={signedIn} />;
  else if (!user) screen = <SignInPage notice={notice} />;
  else if (route.name === 'new') screen = <NewRequestPage />;
  else if (route.name === 'request') screen = <RequestPage key={route.id} id={route.id} user={user} />;
  else screen = <RequestListPage user={user} />;

  return (
    <>
      <a href="#main" className="skip-link">
        {t.skipToContent}
      </a>
      <header className="topbar">
        <div className="topbar-inner">
          <Link to={{ name: 'list' }} className="brand">
            {t.appName} <span className="brand-sub">· {t.portalName}</span>
          </Link>
          {user && (
            <div className="account">
              <span className="account-name">{t.signedInAs(user.name || user.email)}</span>
              <button type="button" className="button-secondary button-small" onClick={() => void signOut()}>
                {t.signOut}
              </button>
            </div>
          )}
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {screen}
      </main>
    </>
  );
}

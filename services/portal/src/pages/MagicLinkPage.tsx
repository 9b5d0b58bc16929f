// Magic-link sign-in, step two: the mailed link lands here with its token, which is POSTed to the
// API (a GET would be spent by mail scanners that open links). Then on to the requests.
import { useEffect, useRef, useState } from 'react';
import { useApi } from '../api';
import { PageHeading } from '../components/PageHeading';
import { navigate } from '../router';
import type { SignedInUser } from '../types';
import { t } from '../strings';

export function MagicLinkPage({
  token,
  onSignedIn,
}: {
  token: string | undefined;
  onSignedIn(user: SignedInUser): void;
}) {
  const api = useApi();
  const [failed, setFailed] = useState(!token);
  const started = useRef(false);

  useEffect(() => {
    if (!token || started.current) return; // the token works once: never send it twice
    started.current = true;
    api.verifyLink(token).then(
      (user) => {
        onSignedIn(user);
        navigate({ name: 'list' }, { replace: true });
      },
      () => setFailed(true),
    );
  }, [api, token, onSignedIn]);

  if (!failed)
    return (
      <section className="card narrow" aria-busy="true">
        <PageHeading>{t.verifyingTitle}</PageHeading>
      </section>
    );
  return (
    <section className="card narrow">
      <PageHeading>{t.verifyFailedTitle}</PageHeading>
      <p role="alert">{token ? t.verifyFailed : t.noToken}</p>
      <button type="button" className="button-primary" onClick={() => navigate({ name: 'sign-in' }, { replace: true })}>
        {t.askNewLink}
      </button>
    </section>
  );
}

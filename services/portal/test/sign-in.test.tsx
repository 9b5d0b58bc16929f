import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { App } from '../src/App';
import { MagicLinkPage } from '../src/pages/MagicLinkPage';
import { SignInPage } from '../src/pages/SignInPage';
import { RITA, fakeApi, problem } from './fake-api';
import { renderWith } from './render';

beforeEach(() => window.history.replaceState(null, '', '/'));
afterEach(cleanup);

describe('magic-link sign-in', () => {
  it('asks for an email address by its label and says to check the mail', async () => {
    const api = fakeApi(null);
    renderWith(api, <SignInPage />);
    expect(document.activeElement).toBe(screen.getByRole('heading', { level: 1 }));
    expect(document.title).toBe('Sign in to see your requests — Helpdesk');
    fireEvent.change(screen.getByLabelText('Email address'), { target: { value: ' rita@example.com ' } });
    fireEvent.click(screen.getByRole('button', { name: 'Mail me a sign-in link' }));
    expect(await screen.findByRole('heading', { name: 'Check your mail' })).toBeTruthy();
    expect(api.requestLink).toHaveBeenCalledWith('rita@example.com');
    expect(screen.getByRole('status').textContent).toContain('rita@example.com');
  });

  it("shows the API's problem when the link cannot be asked for", async () => {
    const api = fakeApi(null);
    api.requestLink.mockRejectedValueOnce(problem(400, 'The request is not valid'));
    renderWith(api, <SignInPage />);
    fireEvent.change(screen.getByLabelText('Email address'), { target: { value: 'x@example.com' } });
    fireEvent.click(screen.getByRole('button', { name: 'Mail me a sign-in link' }));
    expect((await screen.findByRole('alert')).textContent).toContain('The request is not valid');
  });

  it('posts the token of the link once and goes on to the requests', async () => {
    const api = fakeApi(null);
    let signedIn = 0;
    window.history.replaceState(null, '', '/sign-in/magic?token=ml_abc');
    renderWith(api, <MagicLinkPage token="ml_abc" onSignedIn={() => signedIn++} />);
    await waitFor(() => expect(window.location.pathname).toBe('/'));
    expect(api.verifyLink).toHaveBeenCalledTimes(1);
    expect(api.verifyLink).toHaveBeenCalledWith('ml_abc');
    expect(signedIn).toBe(1);
  });

  it('says when a link is spent or expired and offers a new one', async () => {
    const api = fakeApi(null);
    api.verifyLink.mockRejectedValueOnce(problem(401, 'The link is not valid'));
    renderWith(api, <MagicLinkPage token="ml_old" onSignedIn={() => undefined} />);
    expect(await screen.findByRole('heading', { name: 'This sign-in link does not work' })).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Ask for a new link' }));
    expect(window.location.pathname).toBe('/sign-in');
  });

  it('the app shows the sign-in without a session, and the requests after the link', async () => {
    const api = fakeApi(null);
    renderWith(api, <App />);
    expect(screen.getByRole('heading', { name: 'Sign in to see your requests' })).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Skip to content' }).getAttribute('href')).toBe('#main');

    cleanup();
    window.history.replaceState(null, '', '/sign-in/magic?token=ml_ok');
    renderWith(api, <App />);
    expect(await screen.findByRole('heading', { name: 'My requests' })).toBeTruthy();
    expect(screen.getByText(`Signed in as ${RITA.name}`)).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Sign out' }));
    expect(await screen.findByRole('heading', { name: 'Sign in to see your requests' })).toBeTruthy();
    expect(api.signOut).toHaveBeenCalled();
  });
});

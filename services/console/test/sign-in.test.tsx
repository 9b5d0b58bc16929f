import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, screen } from '@testing-library/react';
import { fakeGateway, problem } from './fake-api';
import { renderConsole } from './render';

afterEach(cleanup);

describe('sign-in', () => {
  it('signs in with email and password and opens the console', async () => {
    const gw = fakeGateway({ signedIn: false });
    gw.on('POST', '/v1/auth/login', () => ({
      body: {
        tokenType: 'Bearer',
        accessToken: 'at',
        expiresIn: 900,
        refreshToken: 'rt',
        refreshExpiresAt: '2026-12-01T00:00:00.000Z',
        user: { id: 'alice', name: 'Alice', email: 'alice@example.com', role: 'agent' },
      },
    }));
    gw.on('GET', '/v1/tickets', () => ({ body: { items: [], nextCursor: null } }));
    renderConsole(gw);
    fireEvent.change(screen.getByLabelText('Email'), { target: { value: 'alice@example.com' } });
    fireEvent.change(screen.getByLabelText('Password'), { target: { value: 'correct horse battery' } });
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByTestId('signed-in-as')).toHaveProperty('textContent', 'Alice');
    expect(gw.calls('POST', '/v1/auth/login')[0]?.body).toEqual({
      email: 'alice@example.com',
      password: 'correct horse battery',
    });
    expect(await screen.findByRole('heading', { name: 'New' })).toBeTruthy();
  });

  it("shows the API's reason when sign-in is refused", async () => {
    const gw = fakeGateway({ signedIn: false });
    gw.on('POST', '/v1/auth/login', () => problem(401, 'The email or the password is wrong'));
    renderConsole(gw);
    fireEvent.change(screen.getByLabelText('Email'), { target: { value: 'alice@example.com' } });
    fireEvent.change(screen.getByLabelText('Password'), { target: { value: 'nope' } });
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect((await screen.findByRole('alert')).textContent).toContain('The email or the password is wrong');
  });

  it('refreshes the access token once on a 401 and retries the request', async () => {
    const gw = fakeGateway();
    let first = true;
    gw.on('GET', '/v1/tickets', () => {
      if (first) {
        first = false;
        return problem(401, 'expired');
      }
      return { body: { items: [], nextCursor: null } };
    });
    gw.on('POST', '/v1/auth/refresh', () => ({
      body: {
        tokenType: 'Bearer',
        accessToken: 'at2',
        expiresIn: 900,
        refreshToken: 'rt2',
        refreshExpiresAt: '2026-12-01T00:00:00.000Z',
        user: { id: 'alice', name: 'Alice', email: 'alice@example.com', role: 'agent' },
      },
    }));
    renderConsole(gw);
    expect(await screen.findByText('No tickets in this view.')).toBeTruthy();
    expect(gw.calls('POST', '/v1/auth/refresh')[0]?.body).toEqual({ refreshToken: 'rt' });
    expect(gw.api.session.accessToken).toBe('at2');
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { fakeGateway, problem } from './fake-api';
import { renderConsole } from './render';

afterEach(cleanup);

describe('admin pages', () => {
  it("settings: saves the JSON document without its version and shows the API's field errors", async () => {
    const gw = fakeGateway({ role: 'admin' });
    gw.on('GET', '/v1/settings', () => ({
      body: { feedbackWindowHours: 168, slaPolicies: [], businessCalendars: {}, version: 7 },
    }));
    gw.on('PUT', '/v1/settings', () =>
      problem(400, 'Invalid request: body.feedbackWindowHours', {
        errors: [{ field: 'body.feedbackWindowHours', message: 'Too small: expected number to be >=1' }],
      }),
    );
    renderConsole(gw, '#/admin/settings');
    const box = (await screen.findByLabelText('Settings (JSON)')) as HTMLTextAreaElement;
    expect(box.value).not.toContain('version');
    fireEvent.change(box, { target: { value: box.value.replace('168', '0') } });
    fireEvent.click(screen.getByRole('button', { name: 'Save settings' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('body.feedbackWindowHours');
    expect(alert.textContent).toContain('Too small');
    expect(gw.calls('PUT', '/v1/settings')[0]?.body).toEqual({
      feedbackWindowHours: 0,
      slaPolicies: [],
      businessCalendars: {},
    });
  });

  it('suspended mail: recovers one into a ticket', async () => {
    const gw = fakeGateway();
    const mail = {
      id: 'm1',
      from: 'x@example.com',
      to: ['support@helpdesk.local'],
      cc: [],
      subject: 'Help',
      body: 'please',
      receivedAt: '2026-11-20T10:00:00.000Z',
      reason: 'unknown sender',
    };
    let items = [mail];
    gw.on('GET', '/v1/suspended', () => ({ body: { items } }));
    gw.on('POST', '/v1/suspended/m1/recover', () => {
      items = [];
      return { status: 201, body: { id: 'tx', reference: 'TK-1' } };
    });
    renderConsole(gw, '#/admin/suspended');
    fireEvent.click(await screen.findByRole('button', { name: 'Recover' }));
    expect((await screen.findByText(/Recovered “Help” into TK-1/)).tagName).toBe('P');
    await waitFor(() => expect(screen.getByText('No suspended mail.')).toBeTruthy());
  });
});

describe('the directory', () => {
  it('lists users, and lets an admin add one', async () => {
    const gw = fakeGateway({ role: 'admin' });
    gw.on('GET', '/v1/organizations', () => ({ body: { items: [] } }));
    gw.on('POST', '/v1/users', (req) => ({
      status: 201,
      body: { id: 'u-1', ...(req.body as object), active: true, skills: [], availability: 'offline' },
    }));
    renderConsole(gw, '#/admin/directory');
    expect(await screen.findByRole('rowheader', { name: /Bob/ })).toBeTruthy();
    fireEvent.change(screen.getByLabelText('Name'), { target: { value: 'Dana' } });
    fireEvent.change(screen.getByLabelText('Email'), { target: { value: 'dana@example.com' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add user' }));
    expect((await screen.findByText(/Created Dana \(u-1\)/)).tagName).toBe('P');
    expect(gw.calls('POST', '/v1/users')[0]?.body).toEqual({ name: 'Dana', email: 'dana@example.com', role: 'agent' });
  });
});

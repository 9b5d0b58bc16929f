import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { fakeGateway, ticket } from './fake-api';
import { renderConsole } from './render';

afterEach(cleanup);

describe('the ticket list', () => {
  it('lists a view with its rail counts, sorts through the API, and loads more with the cursor', async () => {
    const gw = fakeGateway();
    const a = ticket({ title: 'Printer on fire' });
    const b = ticket({ title: 'VPN down' });
    const c = ticket({ title: 'Later page' });
    gw.on('GET', '/v1/tickets', (req) =>
      req.query.get('cursor') === 'next'
        ? { body: { items: [c], nextCursor: null } }
        : { body: { items: [a, b], nextCursor: 'next' } },
    );
    renderConsole(gw, '#/list/new');
    expect(await screen.findByText('Printer on fire')).toBeTruthy();
    expect(gw.calls('GET', '/v1/tickets')[0]?.query.get('status')).toBe('new');
    // Counts of the rail's views, with the views' filters (no order).
    await waitFor(() => expect(screen.getByTestId('count-new').textContent).toBe('2'));
    const mine = gw.calls('GET', '/v1/tickets/count').find((r) => r.query.get('assignee') === 'alice');
    expect(mine?.query.get('sort')).toBeNull();

    fireEvent.click(screen.getByRole('button', { name: /Updated/ }));
    await waitFor(() => expect(gw.calls('GET', '/v1/tickets').at(-1)?.query.get('sort')).toBe('updated'));
    expect(screen.getByRole('columnheader', { name: /Updated/ }).getAttribute('aria-sort')).toBe('descending');

    fireEvent.click(await screen.findByRole('button', { name: 'Load more' }));
    expect(await screen.findByText('Later page')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Load more' })).toBeNull();
  });

  it('searches with q', async () => {
    const gw = fakeGateway();
    gw.on('GET', '/v1/tickets', () => ({ body: { items: [], nextCursor: null } }));
    renderConsole(gw);
    fireEvent.change(await screen.findByLabelText('Search tickets'), { target: { value: 'printer' } });
    fireEvent.click(screen.getByRole('button', { name: 'Search' }));
    await waitFor(() => expect(gw.calls('GET', '/v1/tickets').at(-1)?.query.get('q')).toBe('printer'));
  });

  it('moves with j/k and opens with Enter', async () => {
    const gw = fakeGateway();
    const a = ticket();
    const b = ticket();
    gw.on('GET', '/v1/tickets', () => ({ body: { items: [a, b], nextCursor: null } }));
    renderConsole(gw);
    await screen.findByText(b.reference);
    fireEvent.keyDown(window, { key: 'j' });
    fireEvent.keyDown(window, { key: 'Enter' });
    await waitFor(() => expect(window.location.hash).toBe(`#/tickets/${b.id}`));
  });

  it('takes the selected tickets in bulk and reports refusals', async () => {
    const gw = fakeGateway();
    const a = ticket();
    const b = ticket();
    gw.on('GET', '/v1/tickets', () => ({ body: { items: [a, b], nextCursor: null } }));
    gw.on('POST', /\/take$/, (req) =>
      req.path.includes(b.id)
        ? { status: 409, body: { type: 'x', title: 'x', status: 409, detail: 'Already taken', requestId: 'r' } }
        : { body: a },
    );
    renderConsole(gw);
    fireEvent.click(await screen.findByLabelText(`Select ${a.reference}`));
    fireEvent.click(screen.getByLabelText(`Select ${b.reference}`));
    const bar = screen.getByRole('region', { name: 'Bulk actions' });
    fireEvent.click(within(bar).getByRole('button', { name: 'Take' }));
    const status = await screen.findByText(/Take: 1 done, 1 refused/);
    expect(status.textContent).toContain('Already taken');
    expect(gw.calls('POST', /\/take$/).map((r) => r.path)).toEqual([
      `/v1/tickets/${a.id}/take`,
      `/v1/tickets/${b.id}/take`,
    ]);
  });

  it('reloads when the live stream says a ticket changed', async () => {
    const gw = fakeGateway();
    const a = ticket({ title: 'Before' });
    let current = a;
    gw.on('GET', '/v1/tickets', () => ({ body: { items: [current], nextCursor: null } }));
    renderConsole(gw);
    await screen.findByText('Before');
    await waitFor(() => expect(gw.calls('GET', '/v1/live').length).toBe(1));
    current = { ...a, title: 'After', status: 'in_progress' };
    gw.emit({
      type: 'ticket',
      data: { id: a.id, reference: a.reference, status: 'in_progress', updatedAt: a.updatedAt },
    });
    expect(await screen.findByText('After', {}, { timeout: 3000 })).toBeTruthy();
  });

  it('reads the list again when the live stream comes back after a drop (changes may have been missed)', async () => {
    const gw = fakeGateway();
    gw.on('GET', '/v1/tickets', () => ({ body: { items: [ticket()], nextCursor: null } }));
    renderConsole(gw);
    await waitFor(() => expect(gw.calls('GET', '/v1/live').length).toBe(1));
    await waitFor(() => expect(gw.calls('GET', '/v1/tickets').length).toBeGreaterThan(0));
    const before = gw.calls('GET', '/v1/tickets').length;
    gw.dropStreams();
    await waitFor(() => expect(gw.calls('GET', '/v1/live').length).toBe(2), { timeout: 4000 });
    await waitFor(() => expect(gw.calls('GET', '/v1/tickets').length).toBeGreaterThan(before), { timeout: 3000 });
  });
});

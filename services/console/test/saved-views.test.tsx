import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { fakeGateway } from './fake-api';
import { renderConsole } from './render';

afterEach(cleanup);

describe('saved views', () => {
  it('saves the current filters as a view shared with a group, and lists it in the rail with its count', async () => {
    const gw = fakeGateway();
    const views: {
      id: string;
      name: string;
      query: Record<string, string>;
      sharedWithGroup?: string;
      ownerId: string;
    }[] = [];
    gw.on('GET', '/v1/tickets', () => ({ body: { items: [], nextCursor: null } }));
    gw.on('GET', '/v1/views', () => ({
      body: {
        items: views.map((v) => ({
          ...v,
          createdAt: '2026-11-20T00:00:00.000Z',
          updatedAt: '2026-11-20T00:00:00.000Z',
        })),
      },
    }));
    gw.on('POST', '/v1/views', (req) => {
      const body = req.body as { name: string; query: Record<string, string>; sharedWithGroup?: string };
      views.push({ id: 'v1', ownerId: 'alice', ...body });
      return { status: 201, body: { id: 'v1', ownerId: 'alice', ...body } };
    });
    renderConsole(gw, '#/list/waiting');
    fireEvent.change(await screen.findByLabelText('Search tickets'), { target: { value: 'printer' } });
    fireEvent.click(screen.getByRole('button', { name: 'Search' }));
    fireEvent.click(screen.getByRole('button', { name: 'Save this view' }));
    const dialog = await screen.findByRole('dialog');
    fireEvent.change(within(dialog).getByLabelText('Name'), { target: { value: 'Waiting printers' } });
    await waitFor(() => expect(within(dialog).getAllByRole('option').length).toBeGreaterThan(1));
    fireEvent.change(within(dialog).getByLabelText('Share with group'), { target: { value: 'support' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Save' }));
    await waitFor(() =>
      expect(gw.calls('POST', '/v1/views')[0]?.body).toEqual({
        name: 'Waiting printers',
        query: { status: 'waiting', q: 'printer' },
        sharedWithGroup: 'support',
      }),
    );
    const link = await screen.findByRole('link', { name: /Waiting printers/ });
    expect(link.getAttribute('href')).toBe('#/list/saved%3Av1');
    await waitFor(() =>
      expect(gw.calls('GET', '/v1/tickets/count').some((r) => r.query.get('q') === 'printer')).toBe(true),
    );
  });
});

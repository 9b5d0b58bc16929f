import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { RequestListPage } from '../src/pages/RequestListPage';
import { RITA, fakeApi, ticket } from './fake-api';
import { renderWith } from './render';

beforeEach(() => window.history.replaceState(null, '', '/'));
afterEach(cleanup);

describe('my requests', () => {
  it('lists the requests with their reference and status, each a link to its page', async () => {
    const api = fakeApi();
    api.listRequests.mockResolvedValueOnce({
      items: [ticket(), ticket({ id: 't-2', reference: 'TK-202611-00002', title: 'VPN down', status: 'resolved' })],
      nextCursor: null,
    });
    renderWith(api, <RequestListPage user={RITA} />);
    const link = await screen.findByRole('link', { name: 'VPN down' });
    expect(link.getAttribute('href')).toBe('/requests/t-2');
    const items = screen.getAllByRole('listitem');
    expect(within(items[0] as HTMLElement).getByText('In progress')).toBeTruthy();
    expect(within(items[1] as HTMLElement).getByText('Solved')).toBeTruthy();
    expect(screen.getByText('TK-202611-00002')).toBeTruthy();
    expect(screen.queryByLabelText('Show only my requests')).toBeNull();
    fireEvent.click(link);
    expect(window.location.pathname).toBe('/requests/t-2');
  });

  it("shows the organization's requests where it shares them, and narrows to mine on demand", async () => {
    const api = fakeApi();
    const colleague = { id: 'u-bob', name: 'Bob Colleague' };
    api.listRequests.mockResolvedValue({
      items: [
        ticket({ company: 'Acme' }),
        ticket({ id: 't-9', requester: colleague, company: 'Acme', title: 'Bob’s' }),
      ],
      nextCursor: null,
    });
    renderWith(api, <RequestListPage user={RITA} />);
    expect(await screen.findByRole('heading', { name: 'Requests of Acme' })).toBeTruthy();
    expect(screen.getByText('Requested by Bob Colleague')).toBeTruthy();
    expect(screen.getByText('Requested by you')).toBeTruthy();
    fireEvent.click(screen.getByLabelText('Show only my requests'));
    await waitFor(() => expect(api.listRequests).toHaveBeenLastCalledWith({ cursor: undefined, onlyMine: true }));
  });

  it('pages with the cursor of the API', async () => {
    const api = fakeApi();
    api.listRequests
      .mockResolvedValueOnce({ items: [ticket()], nextCursor: 'c2' })
      .mockResolvedValueOnce({ items: [ticket({ id: 't-3', title: 'Older one' })], nextCursor: null });
    renderWith(api, <RequestListPage user={RITA} />);
    fireEvent.click(await screen.findByRole('button', { name: 'Show more' }));
    expect(await screen.findByRole('link', { name: 'Older one' })).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Printer on fire' })).toBeTruthy();
    expect(api.listRequests).toHaveBeenLastCalledWith({ cursor: 'c2', onlyMine: false });
    expect(screen.queryByRole('button', { name: 'Show more' })).toBeNull();
  });

  it('says when there is nothing yet and offers a new request', async () => {
    renderWith(fakeApi(), <RequestListPage user={RITA} />);
    expect(await screen.findByText('You have no requests yet.')).toBeTruthy();
    expect(screen.getByRole('link', { name: 'New request' }).getAttribute('href')).toBe('/requests/new');
  });

  it('reads the list again when the live stream says a request changed', async () => {
    const api = fakeApi();
    api.listRequests.mockResolvedValueOnce({ items: [ticket()], nextCursor: null });
    renderWith(api, <RequestListPage user={RITA} />);
    await screen.findByText('In progress');
    expect(api.watch).toHaveBeenCalledWith(undefined, expect.any(Function));
    api.listRequests.mockResolvedValueOnce({ items: [ticket({ status: 'resolved' })], nextCursor: null });
    act(() => api.live());
    expect(await screen.findByText('Solved')).toBeTruthy();
  });
});

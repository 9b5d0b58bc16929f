import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { RequestPage } from '../src/pages/RequestPage';
import { RITA, event, fakeApi, problem, ticket } from './fake-api';
import { renderWith } from './render';

beforeEach(() => window.history.replaceState(null, '', '/requests/t-1'));
afterEach(cleanup);

const agent = { id: 'alice', role: 'agent', name: 'Alice Agent' };

describe('a request', () => {
  it('shows the public conversation: the description, replies both ways and attachments', async () => {
    const api = fakeApi();
    api.getTimeline.mockResolvedValue([
      event(1, 'created', { data: { draft: false } }),
      event(2, 'taken', { actor: agent }),
      event(3, 'replied', { actor: agent, data: { body: 'Have you tried turning it off?', visibility: 'public' } }),
      event(4, 'customer_replied', { data: { body: 'It is still smoking', visibility: 'public' } }),
      event(5, 'attachment_added', {
        data: { attachment: { id: 'a-1', filename: 'smoke.jpg', contentType: 'image/jpeg', size: 2048 } },
      }),
      event(6, 'resolved', { actor: agent }),
    ]);
    api.getRequest.mockResolvedValue(ticket({ status: 'resolved' }));
    renderWith(api, <RequestPage id="t-1" user={RITA} />);
    const conversation = await screen.findByRole('list', { name: 'Conversation' });
    const items = within(conversation).getAllByRole('listitem');
    expect(items.map((i) => i.textContent)).toEqual([
      expect.stringContaining('Smoke comes out of the paper tray.'),
      expect.stringContaining('Have you tried turning it off?'),
      expect.stringContaining('It is still smoking'),
      expect.stringContaining('smoke.jpg'),
      expect.stringContaining('Marked as solved'),
    ]);
    expect(items[1]?.textContent).toContain('Alice Agent');
    expect(items[2]?.textContent).toContain('you');
    fireEvent.click(within(conversation).getByRole('button', { name: 'Download smoke.jpg' }));
    await waitFor(() => expect(api.download).toHaveBeenCalledWith('a-1'));
    expect(screen.getByRole('heading', { level: 1, name: 'Printer on fire' })).toBeTruthy();
  });

  it('a requester replies with a file while the request is open', async () => {
    const api = fakeApi();
    renderWith(api, <RequestPage id="t-1" user={RITA} />);
    const box = await screen.findByLabelText('Write a reply');
    expect(screen.queryByRole('button', { name: 'Reopen this request' })).toBeNull();
    fireEvent.change(box, { target: { value: 'Here is the log' } });
    const file = new File(['log'], 'more.log');
    fireEvent.change(screen.getByLabelText('Attach a file'), { target: { files: [file] } });
    fireEvent.click(screen.getByRole('button', { name: 'Send reply' }));
    await waitFor(() => expect(api.attach).toHaveBeenCalledWith('t-1', file));
    expect(api.reply).toHaveBeenCalledWith('t-1', 'Here is the log');
    expect(await screen.findByText('Your reply was sent.')).toBeTruthy();
    expect(api.getRequest).toHaveBeenCalledTimes(2);
  });

  it('offers reopen while solved; a refusal shows the API detail', async () => {
    const api = fakeApi();
    api.getRequest.mockResolvedValue(ticket({ status: 'resolved' }));
    api.reopen.mockRejectedValueOnce(
      problem(409, 'The ticket is closed and can no longer change; a reply to it creates a follow-up ticket', {
        currentStatus: 'closed',
        allowedCommands: [],
      }),
    );
    renderWith(api, <RequestPage id="t-1" user={RITA} />);
    fireEvent.click(await screen.findByRole('button', { name: 'Reopen this request' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('The ticket is closed and can no longer change');

    api.getRequest.mockResolvedValue(ticket({ status: 'in_progress', reopenCount: 1 }));
    fireEvent.click(screen.getByRole('button', { name: 'Reopen this request' }));
    expect(await screen.findByText('The request is open again.')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Reopen this request' })).toBeNull();
  });

  it("follows the ticket's allowedCommands where the API gives them", async () => {
    const api = fakeApi();
    api.getRequest.mockResolvedValue(ticket({ status: 'resolved', allowedCommands: ['customer_reply', 'attach'] }));
    renderWith(api, <RequestPage id="t-1" user={RITA} />);
    expect(await screen.findByLabelText('Write a reply')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Reopen this request' })).toBeNull();
  });

  it('a closed request offers "this is still a problem", which opens the follow-up', async () => {
    const api = fakeApi();
    api.getRequest.mockResolvedValue(ticket({ status: 'closed' }));
    api.reply.mockResolvedValueOnce({
      ticket: ticket({ id: 't-2', reference: 'TK-202611-00002', links: { followUpOf: 't-1', followUps: [] } }),
      followUp: true,
    });
    renderWith(api, <RequestPage id="t-1" user={RITA} />);
    expect(await screen.findByRole('heading', { name: 'This is still a problem' })).toBeTruthy();
    expect(screen.queryByLabelText('Write a reply')).toBeNull();
    fireEvent.change(screen.getByLabelText('What is still wrong?'), { target: { value: 'Smoking again' } });
    fireEvent.click(screen.getByRole('button', { name: 'This is still a problem' }));
    await waitFor(() => expect(window.location.pathname).toBe('/requests/t-2'));
    expect(api.reply).toHaveBeenCalledWith('t-1', 'Smoking again');
  });

  it('updates live when the stream says the ticket changed', async () => {
    const api = fakeApi();
    renderWith(api, <RequestPage id="t-1" user={RITA} />);
    await screen.findByLabelText('Write a reply');
    expect(api.watch).toHaveBeenCalledWith('t-1', expect.any(Function));
    api.getTimeline.mockResolvedValue([
      event(1, 'created'),
      event(2, 'replied', { actor: agent, data: { body: 'We are on it', visibility: 'public' } }),
    ]);
    act(() => api.live());
    expect(await screen.findByText('We are on it')).toBeTruthy();
    expect(await screen.findByText('This request was updated.')).toBeTruthy();
  });

  it('says why a request cannot be shown', async () => {
    const api = fakeApi();
    api.getRequest.mockRejectedValue(problem(404, 'Ticket t-x not found'));
    renderWith(api, <RequestPage id="t-x" user={RITA} />);
    expect((await screen.findByRole('alert')).textContent).toContain('Ticket t-x not found');
  });
});

describe("a colleague's request (an organization that shares tickets)", () => {
  it('is readable but offers no reply, reopen or follow-up: requesters act only on their own', async () => {
    const api = fakeApi();
    api.getRequest.mockResolvedValue(ticket({ status: 'resolved', requester: { id: 'u-bob', name: 'Bob' } }));
    renderWith(api, <RequestPage id="t-1" user={RITA} />);
    expect(await screen.findByText(/a colleague’s request/)).toBeTruthy();
    expect(screen.getByText(/Opened by Bob/)).toBeTruthy();
    expect(screen.queryByLabelText('Write a reply')).toBeNull();
    expect(screen.queryByRole('button', { name: 'Reopen this request' })).toBeNull();
  });
});

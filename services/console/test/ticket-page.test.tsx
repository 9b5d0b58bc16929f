import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { fakeGateway, problem, ticket } from './fake-api';
import { renderConsole } from './render';

afterEach(cleanup);

const event = (seq: number, type: string, data: Record<string, unknown> = {}, actor = 'bob') => ({
  ticketId: 't',
  seq,
  type,
  at: '2026-11-20T10:00:00.000Z',
  actor: { id: actor, role: 'agent', name: actor },
  channel: 'web',
  data,
});

describe('the ticket page', () => {
  it('offers exactly the allowed commands and shows the conversation and system events apart', async () => {
    const gw = fakeGateway();
    const t = ticket({ allowedCommands: ['take', 'reply', 'attach'] });
    gw.on('GET', `/v1/tickets/${t.id}`, () => ({ body: t }));
    gw.on('GET', `/v1/tickets/${t.id}/events`, () => ({
      body: {
        items: [
          event(1, 'created', {}, 'rita'),
          event(2, 'note_added', { body: 'Checked the logs', visibility: 'private_note' }),
          event(3, 'attachment_added', {
            attachment: { id: 'att1', filename: 'log.txt', contentType: 'text/plain', size: 3 },
          }),
        ],
      },
    }));
    const { container } = renderConsole(gw, `#/tickets/${t.id}`);
    expect(await screen.findByRole('button', { name: 'Take' })).toBeTruthy();
    expect(screen.getByRole('tab', { name: 'Reply' })).toBeTruthy();
    expect(screen.getByRole('tab', { name: 'Attach' })).toBeTruthy();
    expect(screen.queryByRole('tab', { name: 'Resolve' })).toBeNull();
    expect(screen.queryByRole('tab', { name: 'Assign' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Spam' })).toBeNull();
    expect(await screen.findByText('Checked the logs')).toBeTruthy();
    expect(container.querySelector('.message.note')?.textContent).toContain('Private note');
    expect(container.querySelector('li.system[data-event="created"]')).toBeTruthy();
    expect(screen.getByRole('link', { name: /log\.txt/ }).getAttribute('href')).toContain('/v1/attachments/att1');
  });

  it('shows mail with the files it brought as links', async () => {
    const gw = fakeGateway();
    const t = ticket({ channel: 'email', allowedCommands: ['reply'] });
    const mail = (seq: number, type: string, data: Record<string, unknown>) => ({
      ...event(seq, type, data, 'rita'),
      actor: { id: 'rita', role: 'requester', email: 'rita@example.com' },
      channel: 'email',
    });
    gw.on('GET', `/v1/tickets/${t.id}`, () => ({ body: t }));
    gw.on('GET', `/v1/tickets/${t.id}/events`, () => ({
      body: {
        items: [
          mail(1, 'customer_replied', { body: 'Here is the photo', from: 'rita@example.com', visibility: 'public' }),
          mail(2, 'attachment_added', {
            attachment: { id: 'p1', filename: 'photo.jpg', contentType: 'image/jpeg', size: 9 },
          }),
          mail(3, 'attachment_added', {
            attachment: { id: 'p2', filename: 'invoice.pdf', contentType: 'application/pdf', size: 9 },
          }),
        ],
      },
    }));
    const { container } = renderConsole(gw, `#/tickets/${t.id}`);
    await screen.findByText('Here is the photo');
    const message = container.querySelector('li.message.customer');
    expect(message?.textContent).toContain('Mail');
    expect([...(message?.querySelectorAll('a.attachment-link') ?? [])].map((a) => a.textContent)).toEqual([
      '📎 photo.jpg',
      '📎 invoice.pdf',
    ]);
  });

  it("shows a refused command's detail and the commands the API says are possible now", async () => {
    const gw = fakeGateway();
    const t = ticket({ allowedCommands: ['take', 'reply'] });
    gw.on('GET', `/v1/tickets/${t.id}`, () => ({ body: t }));
    gw.on('GET', `/v1/tickets/${t.id}/events`, () => ({ body: { items: [] } }));
    gw.on('POST', `/v1/tickets/${t.id}/take`, () =>
      problem(409, 'The ticket is already in progress', {
        currentStatus: 'in_progress',
        allowedCommands: ['reply', 'resolve'],
      }),
    );
    renderConsole(gw, `#/tickets/${t.id}`);
    fireEvent.click(await screen.findByRole('button', { name: 'Take' }));
    expect((await screen.findByRole('alert')).textContent).toContain('The ticket is already in progress');
    expect(await screen.findByRole('tab', { name: 'Resolve' })).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Take' })).toBeNull();
  });

  it('sends a reply, a private note, and send-and-resolve with its method', async () => {
    const gw = fakeGateway();
    const t = ticket({ status: 'in_progress', assignee: 'alice', allowedCommands: ['reply', 'resolve'] });
    gw.on('GET', `/v1/tickets/${t.id}`, () => ({ body: t }));
    gw.on('GET', `/v1/tickets/${t.id}/events`, () => ({ body: { items: [] } }));
    gw.on('POST', `/v1/tickets/${t.id}/replies`, () => ({ body: t }));
    gw.on('POST', `/v1/tickets/${t.id}/notes`, () => ({ body: t }));
    renderConsole(gw, `#/tickets/${t.id}`);
    const box = await screen.findByLabelText('Message');
    fireEvent.change(box, { target: { value: 'Fixed it' } });
    fireEvent.click(screen.getByLabelText('and resolve'));
    fireEvent.change(screen.getByLabelText('Resolution method'), { target: { value: 'rejected' } });
    fireEvent.click(screen.getByRole('button', { name: 'Send and resolve' }));
    await waitFor(() =>
      expect(gw.calls('POST', `/v1/tickets/${t.id}/replies`)[0]?.body).toEqual({
        body: 'Fixed it',
        visibility: 'public',
        resolve: { method: 'rejected' },
      }),
    );
    fireEvent.click(screen.getByLabelText('Private note'));
    fireEvent.change(screen.getByLabelText('Message'), { target: { value: 'internal' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add' }));
    await waitFor(() => expect(gw.calls('POST', `/v1/tickets/${t.id}/notes`)[0]?.body).toEqual({ body: 'internal' }));
    // Typing in the composer told the others.
    expect(gw.calls('PUT', `/v1/tickets/${t.id}/presence`).some((r) => (r.body as { typing: boolean }).typing)).toBe(
      true,
    );
  });

  it('updates live: the ticket is refetched on its event, and other viewers show up', async () => {
    const gw = fakeGateway();
    let t = ticket({ allowedCommands: ['take'] });
    gw.on('GET', `/v1/tickets/${t.id}`, () => ({ body: t }));
    gw.on('GET', `/v1/tickets/${t.id}/events`, () => ({ body: { items: [] } }));
    renderConsole(gw, `#/tickets/${t.id}`);
    expect((await screen.findByTestId('ticket-status')).textContent).toBe('new');
    await waitFor(() => expect(gw.calls('GET', '/v1/live').length).toBe(1));
    t = { ...t, status: 'in_progress', assignee: 'bob', allowedCommands: ['reply'] };
    gw.emit({
      type: 'ticket',
      data: { id: t.id, reference: t.reference, status: 'in_progress', updatedAt: t.updatedAt },
    });
    await waitFor(() => expect(screen.getByTestId('ticket-status').textContent).toBe('in progress'));
    expect(screen.getByTestId('ticket-assignee').textContent).toContain('Bob');
    gw.emit({
      type: 'presence',
      data: {
        ticketId: t.id,
        viewers: [
          { userId: 'alice', name: 'Alice', typing: false, since: t.updatedAt },
          { userId: 'bob', name: 'Bob', typing: true, since: t.updatedAt },
        ],
      },
    });
    expect((await screen.findByTestId('presence')).textContent).toBe('BBob is typing…');
  });

  it("applies a macro picked from the agent's macros, in one call", async () => {
    const gw = fakeGateway();
    const t = ticket({ allowedCommands: ['reply', 'apply_macro'] });
    gw.on('GET', `/v1/tickets/${t.id}`, () => ({ body: t }));
    gw.on('GET', `/v1/tickets/${t.id}/events`, () => ({ body: { items: [] } }));
    gw.on('GET', '/v1/macros', () => ({
      body: {
        items: [
          {
            id: 'm1',
            name: 'Ask for the model',
            shared: false,
            actions: [],
            reply: { body: 'Which model?', visibility: 'public' },
          },
          { id: 'm2', name: 'Tag printer', shared: true, actions: [{ type: 'add_tags', tags: ['printer'] }] },
        ],
      },
    }));
    gw.on('POST', `/v1/tickets/${t.id}/macros/m2`, () => ({ body: { ...t, tags: ['printer'] } }));
    renderConsole(gw, `#/tickets/${t.id}`);
    // Radix tabs switch on mouse down (a click alone does not).
    fireEvent.mouseDown(await screen.findByRole('tab', { name: 'Macro' }), { button: 0 });
    const select = await screen.findByRole('combobox', { name: 'Macro' });
    expect(await screen.findByText('Replies: Which model?')).toBeTruthy();
    fireEvent.change(select, { target: { value: 'm2' } });
    fireEvent.click(screen.getByRole('button', { name: 'Apply' }));
    await waitFor(() => expect(gw.calls('POST', `/v1/tickets/${t.id}/macros/m2`)).toHaveLength(1));
    expect(gw.calls('POST', /\/macros\/m1$/)).toHaveLength(0);
    expect(await screen.findByText('Macro Tag printer: done')).toBeTruthy();
  });
});

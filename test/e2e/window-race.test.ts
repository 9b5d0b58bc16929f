// A customer reply arriving exactly as the feedback window lapses ends in one outcome only:
// reopened (and no follow-up), or closed with exactly one follow-up. Never both, never neither.
import { describe, expect, it } from 'vitest';
import { api, command, createTicket, token, useStore, waitForStatus } from '../support/api';
import type { TicketBody } from '../support/api';
import { E2E_SETTINGS } from '../support/stack-config';

const store = useStore();

const WINDOW_MS = (E2E_SETTINGS.feedbackWindowHours ?? 0) * 3_600_000;

describe('reply at the feedback window boundary', () => {
  it('ends every ticket in exactly one outcome', async () => {
    const offsets = [-300, -150, -50, 0, 50, 150, 300];
    const outcomes = await Promise.all(
      offsets.map(async (offset) => {
        const t = await createTicket();
        const requester = t.requester as { id: string; email: string };
        const resolved = await command(t.id, 'resolve', { method: 'customer_communication' });
        const resolvedAt = Date.parse((resolved.body.resolution as { at: string }).at);
        await new Promise((r) => setTimeout(r, Math.max(0, resolvedAt + WINDOW_MS + offset - Date.now())));
        const reply = await api<TicketBody>('POST', `/v1/tickets/${t.id}/replies`, {
          token: token('requester', requester.id, requester.email),
          body: { body: 'Wait, one more thing' },
        });
        expect([200, 201]).toContain(reply.status);
        return { t, reply };
      }),
    );
    let reopened = 0;
    let followedUp = 0;
    for (const { t, reply } of outcomes) {
      if (reply.status === 200) {
        reopened++;
        expect(reply.body.id).toBe(t.id);
        const doc = await store().getTicket(t.id);
        expect(doc?.reopenCount).toBe(1);
        expect(doc?.links.followUps).toEqual([]);
        expect(doc?.status).not.toBe('closed');
      } else {
        followedUp++;
        expect(reply.body.links.followUpOf).toBe(t.id);
        const closed = await waitForStatus(store(), t.id, 'closed');
        expect(closed.reopenCount).toBe(0);
        expect(closed.links.followUps).toEqual([reply.body.id]);
      }
    }
    expect(reopened + followedUp).toBe(offsets.length);
  });
});

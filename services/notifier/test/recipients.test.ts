// Service-level mail names directory references; until the directory resolves them, they map to
// the old fallbacks (a group's helpdesk address, a user id that is an address) and never crash.
import { describe, expect, it } from 'vitest';
import { resolveRecipients } from '../src/templates';

describe('resolveRecipients', () => {
  it('maps group and user references, passes addresses through, drops what names no address', () => {
    expect(resolveRecipients(['group:support', 'user:alice', 'user:bob@example.com', 'carol@example.com'])).toEqual([
      'support@groups.helpdesk.local',
      'bob@example.com',
      'carol@example.com',
    ]);
    expect(resolveRecipients(['group:support', 'support@groups.helpdesk.local'])).toEqual([
      'support@groups.helpdesk.local',
    ]);
    expect(resolveRecipients(['user:alice'])).toEqual([]);
  });
});

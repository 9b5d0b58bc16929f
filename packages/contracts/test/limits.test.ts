// The limits every channel shares: pure rules, so tested here without a stack.
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SETTINGS,
  MAX_RECIPIENTS,
  capRecipients,
  clip,
  knownBrand,
  senderAddress,
  settingsProblems,
  zStoreKey,
} from '../src/index';

describe('capRecipients', () => {
  it('keeps the first addresses up to the cap, once each, never the excluded, and says why it dropped the rest', () => {
    const many = Array.from({ length: MAX_RECIPIENTS + 5 }, (_, i) => `p${i}@example.com`);
    const { kept, dropped } = capRecipients(['Me@Example.com', 'nope', 'P0@example.com', ...many], ['me@example.com']);
    expect(kept).toEqual(many.slice(0, MAX_RECIPIENTS));
    expect(dropped).toEqual([
      { address: 'nope', reason: 'not an email address' },
      ...many.slice(MAX_RECIPIENTS).map((address) => ({ address, reason: `more than ${MAX_RECIPIENTS} recipients` })),
    ]);
  });
});

describe('clip', () => {
  it('leaves short text alone and cuts long text to the limit, note included', () => {
    expect(clip('short', 10)).toBe('short');
    expect(clip('x'.repeat(20), 10, '…')).toBe(`${'x'.repeat(9)}…`);
    expect(clip('x'.repeat(20), 10, '…').length).toBe(10);
  });
});

describe('settings', () => {
  it('store keys: not empty, no leading $, no dot', () => {
    for (const key of ['', '$set', 'a.b', '.x']) expect(zStoreKey(100).safeParse(key).success).toBe(false);
    for (const key of ['default', 'billing-eu', 'a$b']) expect(zStoreKey(100).safeParse(key).success).toBe(true);
  });

  it('the sender is an address, with or without a name, on one line', () => {
    expect(senderAddress('Helpdesk <support@helpdesk.local>')).toBe('support@helpdesk.local');
    expect(senderAddress('support@helpdesk.local')).toBe('support@helpdesk.local');
    expect(senderAddress('Helpdesk')).toBeUndefined();
    expect(senderAddress('Helpdesk <support@helpdesk.local>\r\nBcc: x@example.com')).toBeUndefined();
  });

  it('cross-checks name each field that is wrong, and pass the defaults', () => {
    expect(settingsProblems(DEFAULT_SETTINGS)).toEqual([]);
    expect(settingsProblems({ ...DEFAULT_SETTINGS, defaultBrand: 'acme' }).map((p) => p.field)).toEqual([
      'defaultBrand',
    ]);
    expect(settingsProblems({ ...DEFAULT_SETTINGS, brandSupportAddresses: {} }).map((p) => p.field)).toEqual([
      'brandSupportAddresses',
    ]);
    expect(settingsProblems({ ...DEFAULT_SETTINGS, notificationSender: 'nobody' }).map((p) => p.field)).toEqual([
      'notificationSender',
    ]);
  });

  it('a brand is known only as a brand of the settings, not as any property', () => {
    expect(knownBrand(DEFAULT_SETTINGS, 'default')).toBe(true);
    expect(knownBrand(DEFAULT_SETTINGS, 'toString')).toBe(false);
  });
});

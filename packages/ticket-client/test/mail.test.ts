// The one way a mail becomes a ticket, for the collector's new mail and staff's recovery of
// suspended mail alike: addresses compared normalised, CCs capped, brand, type and group filled.
import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, TEXT_LIMITS } from '@helpdesk/contracts';
import type { Settings } from '@helpdesk/contracts';
import { mailCcs, supportAddressOf, ticketFromMail } from '../src/mail';

const settings = (over: Partial<Settings> = {}): Settings => ({
  ...DEFAULT_SETTINGS,
  brandSupportAddresses: { default: 'support@helpdesk.local', acme: 'Help@Acme.example' },
  collectorDefaultType: 'incident',
  collectorDefaultGroup: 'first-line',
  ...over,
});

const mail = {
  from: 'ann@example.com',
  to: ['help@acme.example'],
  cc: ['boss@example.com', 'SUPPORT@helpdesk.local', 'ann@example.com'],
  subject: 'Printer',
  body: 'Jammed again',
};

describe('ticketFromMail', () => {
  it('takes the brand of the support address it came to, the collector defaults, and the CCs it may copy', () => {
    expect(ticketFromMail(mail, settings())).toEqual({
      title: 'Printer',
      description: 'Jammed again',
      requester: { id: 'ann@example.com', email: 'ann@example.com' },
      ccs: ['boss@example.com'],
      supportAddress: 'help@acme.example',
      brand: 'acme',
      type: 'incident',
      group: 'first-line',
    });
  });

  it('compares addresses normalised whatever case the mail or the settings use', () => {
    const shouting = { ...mail, from: ' Ann@Example.com ', to: ['HELP@ACME.EXAMPLE '] };
    const fields = ticketFromMail(shouting, settings());
    expect([fields.requester?.id, fields.supportAddress, fields.brand]).toEqual([
      'ann@example.com',
      'help@acme.example',
      'acme',
    ]);
    expect(supportAddressOf(shouting, settings())).toBe('help@acme.example');
  });

  it('without a collector default or a brand address, it names none', () => {
    const fields = ticketFromMail(
      { ...mail, to: ['desk@acme.example'] },
      settings({ collectorAddresses: ['desk@acme.example'], collectorDefaultType: null, collectorDefaultGroup: null }),
    );
    expect([fields.supportAddress, fields.brand, fields.type, fields.group]).toEqual([
      'desk@acme.example',
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('cuts subject and text to a ticket limits, ends a cut text as told, and never leaves them empty', () => {
    const long = ticketFromMail(
      { ...mail, subject: 's'.repeat(TEXT_LIMITS.title + 5), body: 'b'.repeat(TEXT_LIMITS.description + 5) },
      settings(),
      ' [cut]',
    );
    expect([long.title?.length, long.description?.length, long.description?.endsWith(' [cut]')]).toEqual([
      TEXT_LIMITS.title,
      TEXT_LIMITS.description,
      true,
    ]);
    const blank = ticketFromMail({ ...mail, subject: '  ', body: '' }, settings());
    expect([blank.title, blank.description]).toEqual(['(no subject)', '(empty message)']);
  });

  it('drops what the cap drops, with why', () => {
    const many = Array.from({ length: 25 }, (_, i) => `cc${i}@example.com`);
    const { kept, dropped } = mailCcs({ from: mail.from, cc: [...many, 'not an address'] }, settings());
    expect([kept.length, dropped.map((d) => d.reason)]).toEqual([
      20,
      [...Array(5).fill('more than 20 recipients'), 'not an email address'],
    ]);
  });
});

// The shipped templates and the renderer: every kind compiles and renders in every locale, values
// are escaped in HTML and not in text, the frame (reference, "Re:", header, footer) is always
// there, and a template that does not compile is reported with its part and line.
import { describe, expect, it } from 'vitest';
import {
  LOCALES,
  TEMPLATE_KINDS,
  TemplateError,
  defaultTemplate,
  renderTemplate,
  sampleContext,
  supportedLocale,
  templateProblems,
  withOverride,
} from '../src';

const brand = { name: 'default', supportAddress: 'support@helpdesk.local' };
const frame = { reference: 'TK-1', reply: false, header: '', footer: 'Footer & co' };

describe('shipped templates', () => {
  it('every kind compiles and renders in every locale, with the reference in the subject', () => {
    for (const locale of LOCALES)
      for (const kind of TEMPLATE_KINDS) {
        const parts = defaultTemplate(kind, locale);
        expect(templateProblems(parts), `${locale} ${kind}`).toEqual([]);
        const mail = renderTemplate(parts, sampleContext(kind, brand), frame);
        expect(mail.subject, `${locale} ${kind}`).toMatch(/^\[TK-1\] \S/);
        expect(mail.text).toContain('Footer & co');
        expect(mail.html).toContain('<p>Footer &amp; co</p>');
        expect(mail.html).not.toMatch(/<div>\s*<\/div>/);
      }
  });

  it('speaks the locale: French and Spanish wording, English otherwise', () => {
    const ctx = sampleContext('resolved', brand);
    expect(renderTemplate(defaultTemplate('resolved', 'fr'), ctx, frame).subject).toBe(
      '[TK-1] Résolu : Printer on fire',
    );
    expect(renderTemplate(defaultTemplate('resolved', 'es'), ctx, frame).text).toContain('se ha resuelto');
    expect(renderTemplate(defaultTemplate('resolved', 'en'), ctx, frame).text).toContain(
      'Good, I am satisfied: https://helpdesk.example/v1/satisfaction/sample?rating=good',
    );
    expect([
      supportedLocale('fr-CA'),
      supportedLocale('ES_mx'),
      supportedLocale('de'),
      supportedLocale(undefined),
    ]).toEqual(['fr', 'es', undefined, undefined]);
  });

  it('escapes values in HTML only, keeps line breaks, quotes earlier messages and signs replies', () => {
    const ctx = { ...sampleContext('agent_reply', brand), message: 'a <b> & "c"\nsecond line' };
    const mail = renderTemplate(defaultTemplate('agent_reply', 'en'), ctx, { ...frame, reply: true });
    expect(mail.subject).toBe('Re: [TK-1] Printer on fire');
    expect(mail.text).toContain('a <b> & "c"\nsecond line');
    expect(mail.text).toContain('Ada Agent\nAda Agent\nSupport team');
    expect(mail.text).toContain('wrote:\n> Smoke is coming out of the paper tray.');
    expect(mail.html).toContain('a &lt;b&gt; &amp; &quot;c&quot;<br>second line');
    expect(mail.html).toContain('<blockquote>Smoke is coming out of the paper tray.</blockquote>');
  });

  it('an override replaces only the parts it sets; a subject stays on one line', () => {
    const parts = withOverride(defaultTemplate('closed', 'en'), { subject: 'Done:\n{{ticket.title}}' });
    const mail = renderTemplate(parts, sampleContext('closed', brand), frame);
    expect(mail.subject).toBe('[TK-1] Done: Printer on fire');
    expect(mail.text).toContain('is now closed');
  });
});

describe('template problems', () => {
  it('names the part, the line and what is wrong', () => {
    const problems = templateProblems({
      subject: '{{ticket.title}}',
      text: 'Hello\n\n{{#if agent}}unclosed',
      html: '{{upper ticket.title}}',
    });
    expect(problems.map((p) => [p.part, p.line])).toEqual([
      ['text', 3],
      ['html', 1],
    ]);
    expect(problems[1]?.message).toContain('unknown helper upper');
  });

  it('a mismatched block is refused where it closes', () => {
    const [problem] = templateProblems({ text: 'a\n{{#each quoted}}\n{{/if}}' });
    expect(problem?.message).toContain("each doesn't match if");
    expect(problem?.line).toBe(2);
  });

  it('with sample data, also what only running finds: a block without its argument, a missing partial', () => {
    const parts = { subject: '{{#each}}{{/each}}', text: '{{#with}}x{{/with}}', html: '{{> nope}}' };
    expect(templateProblems(parts)).toEqual([]);
    expect(templateProblems(parts, sampleContext('closed', brand)).map((p) => p.part)).toEqual([
      'subject',
      'text',
      'html',
    ]);
  });

  it('rendering a broken template throws a TemplateError, never half a mail', () => {
    expect(() =>
      renderTemplate({ subject: '{{#if x}}', text: '', html: '' }, sampleContext('closed', brand), frame),
    ).toThrow(TemplateError);
  });

  it('does not reach into prototypes', () => {
    const mail = renderTemplate(
      { subject: '{{ticket.constructor.name}}x', text: '{{ticket.__proto__}}', html: '' },
      sampleContext('closed', brand),
      frame,
    );
    expect(mail.subject).toBe('[TK-1] x');
  });
});

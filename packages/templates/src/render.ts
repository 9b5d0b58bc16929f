// Compiling and rendering templates with Handlebars. Two environments: the HTML part escapes every
// value (Handlebars' default), the subject and text parts do not (they are not HTML). Templates may
// use only the helpers registered here (knownHelpersOnly), so a typo in a helper's name is a
// compile error the API reports, not a mail that fails at sending time.
import Handlebars from 'handlebars';
import type { TemplateParts } from './defaults';

/** What a template can refer to. Every field is plain data (no functions, no prototypes). */
export interface TemplateContext {
  ticket: { id: string; reference: string; title: string; status?: string | undefined; brand: string };
  requester: { name?: string | undefined; email?: string | undefined };
  /** Agent replies and private messages: who wrote, with their signature. */
  agent?: { name: string; signature?: string | undefined } | undefined;
  /** The message the notification carries (a reply's body, what a breach was, a rule's text). */
  message?: string | undefined;
  /** automation: the subject its rule wrote. */
  subject?: string | undefined;
  /** The latest messages of the ticket before this one, newest first. */
  quoted: { author: string; at: string; body: string }[];
  /** resolved: the rating links (absent in a preview without a token). */
  satisfaction?: { good: string; bad: string; comment: string } | undefined;
  brand: { name: string; supportAddress: string };
}

/** Where the frame of every mail comes from: the settings, and whether the mail answers the thread. */
export interface MailFrame {
  reference: string;
  /** Answers in the ticket's thread: the subject gets "Re:". */
  reply: boolean;
  header: string;
  footer: string;
}

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

export type TemplatePart = keyof TemplateParts;
export interface TemplateProblem {
  part: TemplatePart;
  line?: number | undefined;
  column?: number | undefined;
  message: string;
}

/** A template that does not compile (or fails on the data): which part, where, and why. */
export class TemplateError extends Error {
  constructor(readonly problems: TemplateProblem[]) {
    super(problems.map((p) => `${p.part}${p.line ? ` line ${p.line}` : ''}: ${p.message}`).join('; '));
    this.name = 'TemplateError';
  }
}

const escapeHtml = (s: string) => Handlebars.Utils.escapeExpression(s);
const asText = (v: unknown) => (typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v));

function environment(html: boolean): typeof Handlebars {
  const env = Handlebars.create();
  // A multi-line value: line breaks kept (<br> in HTML, escaped first).
  env.registerHelper('br', (v: unknown) =>
    html ? new env.SafeString(escapeHtml(asText(v)).replace(/\r?\n/g, '<br>')) : asText(v),
  );
  // A quoted message: "> " before each line in text; in HTML the template puts it in a blockquote.
  env.registerHelper('quote', (v: unknown) =>
    html
      ? new env.SafeString(escapeHtml(asText(v)).replace(/\r?\n/g, '<br>'))
      : asText(v)
          .split(/\r?\n/)
          .map((l) => `> ${l}`)
          .join('\n'),
  );
  return env;
}
const TEXT = environment(false);
const HTML = environment(true);
const KNOWN_HELPERS = { br: true, quote: true };
const options = (html: boolean): CompileOptions => ({
  knownHelpers: KNOWN_HELPERS,
  knownHelpersOnly: true,
  noEscape: !html,
  // Lookups of missing fields render empty; prototype access stays off (Handlebars' default).
  strict: false,
});

/** Compiled templates by source: stored templates are few and rendered often. */
const cache = new Map<string, HandlebarsTemplateDelegate<TemplateContext>>();
const CACHE_MAX = 500;

function where(err: unknown): { line?: number; column?: number; message: string } {
  const e = err as { message?: unknown; lineNumber?: unknown; column?: unknown };
  const message = String(e.message ?? err)
    .split('\n')
    .filter((l) => l.trim() !== '')
    .join(' ');
  const line = typeof e.lineNumber === 'number' ? e.lineNumber : Number(/on line (\d+)/.exec(message)?.[1] ?? NaN);
  const column = typeof e.column === 'number' ? e.column + 1 : undefined;
  return { ...(Number.isFinite(line) ? { line } : {}), ...(column !== undefined ? { column } : {}), message };
}

function compiled(part: TemplatePart, source: string): HandlebarsTemplateDelegate<TemplateContext> {
  const html = part === 'html';
  const key = `${part}\u0000${source}`;
  const hit = cache.get(key);
  if (hit) return hit;
  let template: HandlebarsTemplateDelegate<TemplateContext>;
  try {
    // precompile parses and compiles at once (compile() would defer errors to the first render).
    (html ? HTML : TEXT).precompile(source, options(html));
    template = (html ? HTML : TEXT).compile<TemplateContext>(source, options(html));
  } catch (err) {
    throw new TemplateError([{ part, ...where(err) }]);
  }
  if (cache.size >= CACHE_MAX) cache.delete(cache.keys().next().value ?? '');
  cache.set(key, template);
  return template;
}

/**
 * What is wrong with these sources (none: they compile). With a context, each part is also
 * rendered with it, which finds what only running shows (a block helper without its argument,
 * a partial that does not exist).
 */
export function templateProblems(parts: Partial<TemplateParts>, context?: TemplateContext): TemplateProblem[] {
  const problems: TemplateProblem[] = [];
  for (const part of ['subject', 'text', 'html'] as const) {
    const source = parts[part];
    if (source === undefined) continue;
    try {
      if (context) run(part, source, context);
      else compiled(part, source);
    } catch (err) {
      if (err instanceof TemplateError) problems.push(...err.problems);
      else throw err;
    }
  }
  return problems;
}

function run(part: TemplatePart, source: string, context: TemplateContext): string {
  const template = compiled(part, source);
  try {
    return template(context, { allowProtoPropertiesByDefault: false, allowProtoMethodsByDefault: false });
  } catch (err) {
    throw new TemplateError([{ part, ...where(err) }]);
  }
}

/** Paragraphs of text: runs of blank lines (a block that rendered empty) become one blank line. */
const tidyText = (s: string) =>
  s
    .replace(/[ \t]+$/gm, '')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
const tidyHtml = (s: string) => s.replace(/<(div|p)>\s*<\/\1>\s*/g, '').trim();

/**
 * One mail from a template: the subject gets the ticket's reference in brackets (replies thread by
 * it) and "Re:" when the mail answers in the thread; the settings' header and footer frame the body.
 */
export function renderTemplate(parts: TemplateParts, context: TemplateContext, frame: MailFrame): RenderedMail {
  const subject = run('subject', parts.subject, context).replace(/\s+/g, ' ').trim();
  const body = tidyText(run('text', parts.text, context));
  const html = tidyHtml(run('html', parts.html, context));
  const header = frame.header.trim();
  const footer = frame.footer.trim();
  const text = [header, body, footer].filter((p) => p !== '').join('\n\n') + '\n';
  const para = (p: string) => (p === '' ? '' : `<p>${escapeHtml(p).replace(/\n/g, '<br>')}</p>`);
  return {
    subject: `${frame.reply ? 'Re: ' : ''}[${frame.reference}] ${subject}`,
    text,
    html: `<!doctype html><html><body>${para(header)}${html}${para(footer)}</body></html>`,
  };
}

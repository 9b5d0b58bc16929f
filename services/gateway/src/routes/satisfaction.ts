// The satisfaction links of resolution mail. No bearer token: the link's single-use token (minted
// by the notifier, only its hash stored) is the proof. Opening the good or bad link records the
// rating at once; the comment link opens a small form that posts a rating with a comment. A link
// records once: a second use answers what was recorded and changes nothing. The ticket may be
// closed by then (its workflow ended): the rating is written to the read model all the same.
import { Router } from 'express';
import type { Request, Response } from 'express';
import { z } from 'zod';
import { SATISFACTION_RATINGS } from '@helpdesk/contracts';
import type { TicketSatisfaction } from '@helpdesk/contracts';
import type { Store } from '@helpdesk/persistence';
import { AppError, NotFoundError } from '../errors';
import { document } from '../openapi';
import { parse } from '../validate';

const ZTokenSchema = z.object({ token: z.string().min(1).max(200) });
const ZRateQuerySchema = z.strictObject({
  rating: z.enum(SATISFACTION_RATINGS).optional().describe('Record this rating at once (the one-click links)'),
});
const ZRateBodySchema = z.strictObject({
  rating: z.enum(SATISFACTION_RATINGS),
  comment: z.string().max(5_000).optional(),
});

const WHO = 'anyone holding the link (its token is the proof; no bearer token)';
document({
  method: 'get',
  path: '/v1/satisfaction/:token',
  summary: 'Open a rating link: with ?rating=good|bad, record it (once); without, the form to rate with a comment',
  tag: 'reports',
  roles: WHO,
  public: true,
  query: ZRateQuerySchema,
  responses: { 200: 'html' },
  problems: [404],
});
document({
  method: 'post',
  path: '/v1/satisfaction/:token',
  summary: 'Rate with a comment (JSON or a form post); once per link',
  tag: 'reports',
  roles: WHO,
  public: true,
  body: ZRateBodySchema,
  example: { rating: 'good', comment: 'Quick and friendly, thank you' },
  responses: { 200: 'html' },
  problems: [404],
});

const escape = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
const page = (title: string, body: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">` +
  `<title>${escape(title)}</title></head><body><main><h1>${escape(title)}</h1>${body}</main></body></html>`;
const said = (s: TicketSatisfaction | undefined) =>
  s ? `<p>Your rating: <strong>${s.rating}</strong>${s.comment ? ` — “${escape(s.comment)}”` : ''}.</p>` : '';

function sendPage(res: Response, title: string, body: string, status = 200): void {
  res.status(status).type('html').send(page(title, body));
}

/** A person's browser gets its problems as a page too; API clients (and `*\/*`) get problem+json. */
const wantsPage = (req: Request) => req.accepts(['json', 'html']) === 'html';

export function satisfactionRoutes(store: Store): Router {
  const router = Router();

  const record = async (req: Request, res: Response, rating: 'good' | 'bad', comment?: string) => {
    const { token } = parse(ZTokenSchema, req.params, 'params');
    const result = await store.satisfaction.record(token, rating, comment);
    if (result.outcome === 'invalid') throw new NotFoundError('Rating link');
    if (result.outcome === 'already_recorded')
      sendPage(
        res,
        'Already recorded',
        `<p>Your rating was already recorded; it stays as it was.</p>${said(result.satisfaction)}`,
      );
    else sendPage(res, 'Thank you', `<p>Your rating was recorded.</p>${said(result.satisfaction)}`);
  };

  // Browsers get problems as a page; everyone else the API's problem+json (errors.ts).
  const handle =
    (fn: (req: Request, res: Response) => Promise<void>) =>
    async (req: Request, res: Response): Promise<void> => {
      try {
        await fn(req, res);
      } catch (err) {
        if (!(err instanceof AppError) || !wantsPage(req) || err.status >= 500) throw err;
        const title = err.status === 404 ? 'This link is not valid' : 'This link cannot be used like that';
        sendPage(res, title, `<p>${escape(err.message)}</p>`, err.status);
      }
    };

  router.get(
    '/:token',
    handle(async (req, res) => {
      const { rating } = parse(ZRateQuerySchema, req.query, 'query');
      if (rating) return record(req, res, rating);
      const { token } = parse(ZTokenSchema, req.params, 'params');
      const link = await store.satisfaction.link(token);
      if (!link.ok) throw new NotFoundError('Rating link');
      if (link.used) {
        sendPage(res, 'Already recorded', `<p>Your rating was already recorded.</p>${said(link.satisfaction)}`);
        return;
      }
      // The form posts back here (urlencoded); the token stays in the path.
      sendPage(
        res,
        'How did we do?',
        `<form method="post">` +
          `<p><label><input type="radio" name="rating" value="good" required> Good, I am satisfied</label></p>` +
          `<p><label><input type="radio" name="rating" value="bad"> Bad, I am not satisfied</label></p>` +
          `<p><label>Comment<br><textarea name="comment" rows="5" cols="60" maxlength="5000"></textarea></label></p>` +
          `<p><button type="submit">Send</button></p></form>`,
      );
    }),
  );

  router.post(
    '/:token',
    handle(async (req, res) => {
      const body = parse(ZRateBodySchema, req.body);
      await record(req, res, body.rating, body.comment);
    }),
  );

  return router;
}

// The mail collector: one pipeline for mail over SMTP and for raw messages posted over HTTP.
// Every step is idempotent under one identity per message (its Message-ID, or a content hash):
// the ticket a new mail creates has an id derived from it, the reply it adds is an Update with an
// id derived from it, so a message delivered twice, even in parallel, acts once.
import { Readable } from 'node:stream';
import { HOUR_MS, TEXT_LIMITS, clip, normalizeAddress } from '@helpdesk/contracts';
import type { Actor, Settings, TicketState } from '@helpdesk/contracts';
import type { AttachmentStore, InboundMailDoc, Store } from '@helpdesk/persistence';
import {
  TicketRefusedError,
  mailCcs,
  supportAddressOf,
  supportAddresses,
  ticketFromMail,
  uuidFrom,
} from '@helpdesk/ticket-client';
import type { MailForTicket, Tickets } from '@helpdesk/ticket-client';
import { autoReplyReason, contentIdentity, identityOf, stripQuoted, subjectReference } from './classify';
import type { MailFacts } from './classify';
import { parseMail } from './parse';

export type InboundOutcome =
  | { status: 'duplicate'; identity: string; ticketId?: string }
  | { status: 'suspended'; identity: string; reason: string }
  | {
      status: 'done';
      identity: string;
      action: NonNullable<InboundMailDoc['action']>;
      ticketId: string;
      droppedCc?: InboundMailDoc['droppedCc'];
    };

/** A file the collector attaches to the ticket: the mail's own attachments, or its full text. */
interface MailFile {
  filename: string;
  contentType: string;
  content: Buffer;
  size: number;
}

const CLIPPED = (max: number) =>
  `\n\n[The message is longer than ${max} characters: the full text is attached as message.txt]`;

/**
 * Errors no retry can cure (the input itself is refused by Temporal or the store): the mail is
 * suspended with the reason instead of answered "try again later" forever.
 */
function permanentFailure(err: unknown): string | undefined {
  if (!(err instanceof Error)) return undefined;
  const grpc = (err as { code?: unknown }).code ?? (err.cause as { code?: unknown } | undefined)?.code;
  // gRPC INVALID_ARGUMENT (3) and OUT_OF_RANGE (11): e.g. a payload over the server's limit.
  if ((err.name === 'ServiceError' || err.cause !== undefined) && (grpc === 3 || grpc === 11)) return err.message;
  if (/BSONObjectTooLarge|document is larger than|object to insert too large/i.test(err.message)) return err.message;
  return undefined;
}

export class InboundPipeline {
  private readonly files: AttachmentStore;

  constructor(
    private readonly store: Store,
    private readonly tickets: Tickets,
    private readonly maxAttachmentBytes: number,
  ) {
    this.files = store.attachments;
  }

  async ingest(raw: Buffer, envelope: { mailFrom?: string; rcptTo?: string[] } = {}): Promise<InboundOutcome> {
    const parsed = await parseMail(raw, envelope).catch((err: unknown) =>
      err instanceof Error ? err : new Error(String(err)),
    );
    if (parsed instanceof Error) return this.unreadable(raw, parsed);
    const { facts, attachments } = parsed;
    if (envelope.rcptTo?.length) facts.to = [...new Set([...facts.to, ...envelope.rcptTo.map(normalizeAddress)])];
    const identity = identityOf(facts, raw);

    // What a ticket can hold: longer subjects and texts are cut to the API's limits; the raw
    // message is kept whole, and a cut text is attached in full (GridFS, outside the workflow).
    const text = stripQuoted(facts.text);
    const doc: InboundMailDoc = {
      _id: identity,
      ...(facts.messageId ? { messageId: facts.messageId } : {}),
      from: facts.from,
      to: facts.to,
      cc: facts.cc,
      subject: clip(facts.subject, TEXT_LIMITS.title),
      body: clip(text, TEXT_LIMITS.message),
      receivedAt: Date.now(),
      status: 'processing',
    };
    const seen = await this.store.inboundMail.recordArrival(doc, raw);
    // Finished before: never twice. Still processing (a parallel delivery, or a crash mid-way):
    // go on; every step below is idempotent under this identity.
    if (seen && seen.status !== 'processing')
      return { status: 'duplicate', identity, ...(seen.ticketId ? { ticketId: seen.ticketId } : {}) };

    try {
      const files: MailFile[] = attachments.map((a, i) => ({
        filename: a.filename ?? `attachment-${i}`,
        contentType: a.contentType,
        content: a.content,
        size: a.size,
      }));
      return await this.act(identity, facts, text, files, doc.receivedAt);
    } catch (err) {
      const reason = permanentFailure(err);
      if (reason) return this.suspend(identity, `cannot be held: ${reason}`);
      throw err;
    }
  }

  private async act(
    identity: string,
    facts: MailFacts,
    text: string,
    attachments: MailFile[],
    receivedAt: number,
  ): Promise<InboundOutcome> {
    const settings = await this.store.getSettings();
    const suspended = await this.suspensionReason(facts, settings);
    if (suspended) return this.suspend(identity, suspended);

    // The same cap as the API's: the first CCs that are addresses (never the sender or the
    // helpdesk itself); the others are recorded on the mail as dropped, and get nothing.
    const ccs = mailCcs(facts, settings);
    if (ccs.dropped.length > 0) await this.store.inboundMail.recordDroppedCcs(identity, ccs.dropped);
    const subject = clip(facts.subject, TEXT_LIMITS.title);

    const target = await this.thread(facts);
    const storm = await this.overLimit(facts.from, target?.id, settings, identity);
    if (storm) return this.suspend(identity, storm);

    const actor: Actor = {
      id: `mail:${facts.from}`,
      role: 'service',
      name: facts.fromName ?? facts.from,
      email: facts.from,
    };
    const supportAddress = supportAddressOf(facts, settings);
    let result: { action: NonNullable<InboundMailDoc['action']>; ticket: TicketState };
    if (target) {
      const wasDraft = target.status === 'draft';
      const replied = await this.tickets
        .customerReply(
          target.id,
          {
            body: clip(text, TEXT_LIMITS.message, CLIPPED(TEXT_LIMITS.message)),
            from: facts.from,
            ccs: ccs.kept,
            subject,
            ...(facts.messageId ? { messageId: facts.messageId } : {}),
          },
          actor,
          'email',
          // receivedAt: the reply counts when the collector took the mail, not when it got this far.
          {
            updateId: `mail-${uuidFrom(identity)}`,
            followUpId: uuidFrom(`${identity}:follow-up`),
            receivedAt,
            ...(supportAddress ? { supportAddress } : {}),
          },
        )
        .catch((err: unknown) => {
          // A refusal is final (a deleted ticket, say): suspend it instead of having the sender retry forever.
          if (err instanceof TicketRefusedError) return err;
          throw err;
        });
      if (replied instanceof TicketRefusedError)
        return this.suspend(identity, `refused by ticket ${target.reference}: ${replied.message}`);
      result = {
        action: replied.outcome === 'follow_up' ? 'follow_up' : wasDraft ? 'draft_filled' : 'added',
        ticket: replied.ticket,
      };
    } else {
      result = await this.open(identity, { ...facts, body: text }, actor, settings);
    }

    const limit = target ? TEXT_LIMITS.message : TEXT_LIMITS.description;
    const fullText: MailFile[] =
      text.length > limit
        ? [
            {
              filename: 'message.txt',
              contentType: 'text/plain; charset=utf-8',
              content: Buffer.from(text),
              size: Buffer.byteLength(text),
            },
          ]
        : [];
    for (const [i, a] of [...attachments, ...fullText].entries()) {
      if (a.size > this.maxAttachmentBytes) continue;
      const key = `${identity}:att:${i}`;
      // Keyed by mail and position: a redelivery finds the same file instead of storing another.
      const stored = await this.files.save(
        result.ticket.id,
        a.filename,
        a.contentType,
        Readable.from(a.content),
        actor.id,
        key,
      );
      await this.tickets
        .command(
          result.ticket.id,
          {
            type: 'attach',
            attachment: {
              id: stored.id,
              filename: stored.filename,
              contentType: stored.contentType,
              size: stored.size,
            },
          },
          actor,
          {
            updateId: `mail-${uuidFrom(key)}`,
          },
        )
        .catch(async (err: unknown) => {
          if (!(err instanceof TicketRefusedError)) throw err;
          await this.files.deleteOne(stored.id);
        });
    }

    await this.store.inboundMail.markDone(identity, result.action, result.ticket.id);
    return {
      status: 'done',
      identity,
      action: result.action,
      ticketId: result.ticket.id,
      ...(ccs.dropped.length > 0 ? { droppedCc: ccs.dropped } : {}),
    };
  }

  /**
   * Mail the parser refuses (a header block over 1 MiB, say) will be refused every time: kept raw
   * and suspended with why, so the sender gets a final answer and staff can see it.
   */
  private async unreadable(raw: Buffer, err: Error): Promise<InboundOutcome> {
    const identity = contentIdentity(raw);
    const from = /^From:[^\r\n]*?([^\s<>",:]+@[^\s<>",]+)/im.exec(raw.subarray(0, 64 * 1024).toString('latin1'))?.[1];
    const reason = `cannot be read: ${err.message}`;
    const first = await this.store.inboundMail.recordSuspended(
      {
        _id: identity,
        from: from ? normalizeAddress(from) : '',
        to: [],
        cc: [],
        subject: '',
        body: '',
        receivedAt: Date.now(),
        status: 'suspended',
        suspendedReason: reason,
      },
      raw,
    );
    if (!first) return { status: 'duplicate', identity };
    return { status: 'suspended', identity, reason };
  }

  /** Unmatched mail opens a ticket; from an unknown sender when not allowed, it is rejected and closed. */
  private async open(identity: string, mail: MailFacts & MailForTicket, actor: Actor, settings: Settings) {
    const ticketId = uuidFrom(`${identity}:ticket`);
    // Decided once and kept, so a redelivery decides the same even though this mail's own ticket
    // now exists; the ticket id is known before the ticket, so its acknowledgement answers in-thread.
    const known =
      (await this.store.inboundMail.senderKnown(identity)) ??
      (settings.collectorAllowUnknownSenders || (await this.isKnownSender(mail.from, settings)));
    await this.store.inboundMail.assignTicket(identity, ticketId, known);
    // An unknown sender's ticket is never submitted: no acknowledgement goes to them.
    const fields = ticketFromMail(mail, settings, CLIPPED(TEXT_LIMITS.description));
    const ticket = await this.tickets.create({ ...(known ? {} : { draft: true }), ...fields }, actor, 'email', {
      ticketId,
    });
    if (known) return { action: 'created' as const, ticket };
    const staff: Actor = { id: 'mail-collector', role: 'agent', name: 'Mail collector' };
    const rejected = await this.tickets
      .command(ticket.id, { type: 'resolve', method: 'unknown_address' }, staff, {
        updateId: `mail-${uuidFrom(`${identity}:reject`)}`,
      })
      .catch((err: unknown) => {
        if (err instanceof TicketRefusedError && err.refusal.code === 'closed') return ticket;
        throw err;
      });
    return { action: 'rejected_unknown' as const, ticket: rejected };
  }

  /** Message-ID references to mail we sent or received for a ticket first, then the subject token. */
  private async thread(facts: MailFacts): Promise<TicketState | undefined> {
    const refs = [...new Set([facts.inReplyTo, ...facts.references].filter((r): r is string => Boolean(r)))];
    if (refs.length > 0) {
      const ticketId =
        (await this.store.outbox.ticketOfMessage(refs)) ?? (await this.store.inboundMail.ticketOfMessage(refs));
      const ticket = ticketId ? await this.store.getTicket(ticketId) : undefined;
      if (ticket) return ticket;
    }
    const reference = subjectReference(facts.subject);
    if (reference) {
      const id = await this.store.readModel.idOfReference(reference);
      if (id) return this.store.getTicket(id);
    }
    return undefined;
  }

  private async isKnownSender(from: string, settings: Settings): Promise<boolean> {
    const domain = from.split('@')[1] ?? '';
    if (settings.collectorKnownDomains.map((d) => d.toLowerCase()).includes(domain)) return true;
    // Someone the directory holds (staff, or a requester from an earlier contact) is known.
    if (await this.store.directory.userByEmail(from)) return true;
    // Their own rejected tickets do not make them known.
    return this.store.readModel.hasAcceptedTicketFrom(from);
  }

  private async suspensionReason(facts: MailFacts, settings: Settings): Promise<string | undefined> {
    const auto = autoReplyReason(facts);
    if (auto) return auto;
    const ours = new Set([
      ...supportAddresses(settings),
      normalizeAddress(settings.notificationSender.replace(/^.*<([^>]+)>.*$/, '$1')),
    ]);
    if (!facts.from) return 'no sender address';
    if (ours.has(facts.from)) return 'sent by the helpdesk itself';
    if (!supportAddressOf(facts, settings)) return 'not addressed to a support address';
    return undefined;
  }

  /** Storm protection: how much mail from one sender, or into one ticket, may act per hour. */
  private async overLimit(
    from: string,
    ticketId: string | undefined,
    settings: Settings,
    identity: string,
  ): Promise<string | undefined> {
    const since = Date.now() - HOUR_MS;
    const mails = this.store.inboundMail;
    const bySender = await mails.countActedSince({ from }, since, identity);
    if (bySender >= settings.mailLimitPerSenderPerHour)
      return `rate limited: more than ${settings.mailLimitPerSenderPerHour} mails an hour from ${from}`;
    if (ticketId) {
      const byTicket = await mails.countActedSince({ ticketId }, since, identity);
      if (byTicket >= settings.mailLimitPerTicketPerHour)
        return `rate limited: more than ${settings.mailLimitPerTicketPerHour} mails an hour into this ticket`;
    }
    return undefined;
  }

  private async suspend(identity: string, reason: string): Promise<InboundOutcome> {
    await this.store.inboundMail.suspend(identity, reason);
    return { status: 'suspended', identity, reason };
  }
}

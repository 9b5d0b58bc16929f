// Attachments: multipart upload onto a ticket (size-limited, stored in GridFS, recorded on the
// ticket's timeline), and download by id for whoever may see the ticket.
import Busboy from 'busboy';
import { Router } from 'express';
import type { Request } from 'express';
import { ZAttachmentSchema } from '@helpdesk/contracts';
import type { Actor } from '@helpdesk/contracts';
import type { AttachmentStore, StoredAttachment, Store } from '@helpdesk/persistence';
import { describeRoles, whoMay } from '@helpdesk/ticket-client';
import { actorOf } from '../auth';
import { AppError, NotFoundError, ValidationError } from '../errors';
import { document } from '../openapi';
import type { Tickets } from '@helpdesk/ticket-client';

document({
  method: 'post',
  path: '/v1/tickets/:id/attachments',
  summary: 'Attach a file (multipart/form-data, field "file"; size limit from ATTACHMENT_MAX_BYTES)',
  tag: 'attachments',
  roles: describeRoles(whoMay('attach')),
  body: ZAttachmentSchema,
  multipart: true,
  responses: { 201: ZAttachmentSchema },
  problems: [403, 404, 409, 413, 415],
});
document({
  method: 'get',
  path: '/v1/attachments/:id',
  summary: 'Download an attachment',
  tag: 'attachments',
  roles: 'whoever may see its ticket',
  responses: { 200: 'binary' },
  problems: [403, 404],
});

/** Stream the one file part of a multipart request into GridFS; 413 past the limit. */
function receiveFile(
  req: Request,
  files: AttachmentStore,
  ticketId: string,
  actor: Actor,
  maxBytes: number,
): Promise<StoredAttachment> {
  return new Promise((resolve, reject) => {
    let busboy: Busboy.Busboy;
    try {
      busboy = Busboy({ headers: req.headers, limits: { files: 1, fileSize: maxBytes, fields: 0 } });
    } catch {
      reject(new AppError(415, 'unsupported_media_type', 'Upload attachments as multipart/form-data'));
      return;
    }
    let saving: Promise<StoredAttachment> | undefined;
    let tooLarge = false;
    busboy.on('file', (field, stream, info) => {
      if (field !== 'file' || saving) {
        stream.resume();
        return;
      }
      stream.on('limit', () => {
        tooLarge = true;
      });
      saving = files.save(
        ticketId,
        info.filename || 'attachment',
        info.mimeType || 'application/octet-stream',
        stream,
        actor.id,
      );
    });
    busboy.on('error', () =>
      reject(new ValidationError([{ field: 'body', message: 'is not valid multipart/form-data' }])),
    );
    busboy.on('close', () => {
      if (!saving) {
        reject(new ValidationError([{ field: 'body.file', message: 'is required' }]));
        return;
      }
      saving.then(async (stored) => {
        if (tooLarge) {
          await files.deleteOne(stored.id);
          reject(new AppError(413, 'payload_too_large', `The file is larger than ${maxBytes} bytes`));
        } else {
          resolve(stored);
        }
      }, reject);
    });
    req.pipe(busboy);
  });
}

export function attachmentRoutes(
  tickets: Tickets,
  store: Store,
  maxBytes: number,
): { upload: Router; download: Router } {
  const files = store.attachments;
  const upload = Router();
  upload.post('/:id/attachments', async (req, res) => {
    const actor = actorOf(res);
    const ticket = await tickets.get(req.params.id, actor);
    if (ticket.status === 'closed')
      throw new AppError(409, 'closed', 'The ticket is closed and can no longer change', { currentStatus: 'closed' });
    const stored = await receiveFile(req, files, ticket.id, actor, maxBytes);
    const { id, filename, contentType, size } = stored;
    try {
      await tickets.command(ticket.id, { type: 'attach', attachment: { id, filename, contentType, size } }, actor);
    } catch (err) {
      await files.deleteOne(id); // refused: keep nothing
      throw err;
    }
    res.status(201).location(`/v1/attachments/${id}`).json(stored);
  });

  const download = Router();
  download.get('/:id', async (req, res) => {
    const actor = actorOf(res);
    const file = await files.find(req.params.id);
    if (!file) throw new NotFoundError(`Attachment ${req.params.id}`);
    await tickets.get(file.ticketId, actor);
    res.setHeader('Content-Type', file.contentType);
    res.setHeader('Content-Length', String(file.size));
    res.setHeader('Content-Disposition', `attachment; filename="${file.filename.replace(/["\\\r\n]/g, '_')}"`);
    files.open(file.id).pipe(res);
  });
  return { upload, download };
}

// Attachments live in GridFS (bucket "attachments"), with the ticket and type in the metadata.
import type { Readable } from 'node:stream';
import mongoose from 'mongoose';
import type { Connection } from 'mongoose';

export interface StoredAttachment {
  id: string;
  ticketId: string;
  filename: string;
  contentType: string;
  size: number;
}

export class AttachmentStore {
  private readonly bucket: mongoose.mongo.GridFSBucket;

  constructor(connection: Connection) {
    const db = connection.db;
    if (!db) throw new Error('The store connection is not open');
    this.bucket = new mongoose.mongo.GridFSBucket(db, { bucketName: 'attachments' });
  }

  /** Store a stream. With a `key`, a second save under the same key returns the first file. */
  async save(
    ticketId: string,
    filename: string,
    contentType: string,
    data: Readable,
    uploadedBy: string,
    key?: string,
  ): Promise<StoredAttachment> {
    if (key) {
      const [existing] = await this.bucket.find({ 'metadata.key': key }).toArray();
      if (existing) {
        data.resume();
        return { id: String(existing._id), ticketId, filename: existing.filename, contentType, size: existing.length };
      }
    }
    const upload = this.bucket.openUploadStream(filename, {
      metadata: { ticketId, contentType, uploadedBy, ...(key ? { key } : {}) },
    });
    await new Promise<void>((resolve, reject) => {
      data.once('error', (err) => {
        upload.abort().catch(() => undefined);
        reject(err);
      });
      data.pipe(upload).once('finish', resolve).once('error', reject);
    });
    return { id: String(upload.id), ticketId, filename, contentType, size: upload.length };
  }

  async find(id: string): Promise<StoredAttachment | undefined> {
    if (!mongoose.isValidObjectId(id)) return undefined;
    const [file] = await this.bucket.find({ _id: new mongoose.Types.ObjectId(id) }).toArray();
    if (!file) return undefined;
    const meta = (file.metadata ?? {}) as { ticketId?: string; contentType?: string };
    return {
      id,
      ticketId: meta.ticketId ?? '',
      filename: file.filename,
      contentType: meta.contentType ?? 'application/octet-stream',
      size: file.length,
    };
  }

  open(id: string): Readable {
    return this.bucket.openDownloadStream(new mongoose.Types.ObjectId(id));
  }

  async deleteOne(id: string): Promise<void> {
    await this.bucket.delete(new mongoose.Types.ObjectId(id)).catch(() => undefined);
  }

  async deleteForTicket(ticketId: string): Promise<void> {
    for (const file of await this.bucket.find({ 'metadata.ticketId': ticketId }).toArray())
      await this.bucket.delete(file._id);
  }
}

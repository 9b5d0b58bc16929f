// Stored notification templates: per brand, locale and kind, the parts an admin wrote to replace
// the shipped defaults (@helpdesk/templates). A missing part falls back to the default's.
import type { Model } from 'mongoose';
import type { TemplateDoc } from '../models';

export interface StoredTemplate {
  brand: string;
  locale: string;
  kind: string;
  subject?: string | undefined;
  text?: string | undefined;
  html?: string | undefined;
  updatedAt: number;
  updatedBy: string;
}

export type TemplatePartsInput = Partial<Pick<StoredTemplate, 'subject' | 'text' | 'html'>>;

const idOf = (brand: string, locale: string, kind: string) => `${brand}:${locale}:${kind}`;
const templateOf = ({ _id: _ignored, ...rest }: TemplateDoc): StoredTemplate => rest;

export class TemplateRepository {
  constructor(private readonly templates: Model<TemplateDoc>) {}

  async get(brand: string, locale: string, kind: string): Promise<StoredTemplate | undefined> {
    const doc = await this.templates.findById(idOf(brand, locale, kind)).lean<TemplateDoc>();
    return doc ? templateOf(doc) : undefined;
  }

  /** Replace the override (the parts not given go back to the default's). */
  async put(
    brand: string,
    locale: string,
    kind: string,
    parts: TemplatePartsInput,
    by: string,
    now = Date.now(),
  ): Promise<StoredTemplate> {
    const doc: TemplateDoc = {
      _id: idOf(brand, locale, kind),
      brand,
      locale,
      kind,
      ...(parts.subject !== undefined ? { subject: parts.subject } : {}),
      ...(parts.text !== undefined ? { text: parts.text } : {}),
      ...(parts.html !== undefined ? { html: parts.html } : {}),
      updatedAt: now,
      updatedBy: by,
    };
    await this.templates.replaceOne({ _id: doc._id }, doc, { upsert: true });
    return templateOf(doc);
  }

  /** Whether there was an override to delete. */
  async delete(brand: string, locale: string, kind: string): Promise<boolean> {
    const { deletedCount } = await this.templates.deleteOne({ _id: idOf(brand, locale, kind) });
    return deletedCount > 0;
  }

  /** A brand's overrides (a handful per brand), by locale and kind. */
  async forBrand(brand: string, limit = 500): Promise<StoredTemplate[]> {
    const docs = await this.templates.find({ brand }).limit(limit).lean<TemplateDoc[]>();
    return docs.map(templateOf).sort((a, b) => `${a.locale}:${a.kind}`.localeCompare(`${b.locale}:${b.kind}`));
  }
}

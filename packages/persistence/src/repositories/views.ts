// Saved ticket lists (views): a user's own, and those shared with a group they belong to.
import { randomUUID } from 'node:crypto';
import type { Model } from 'mongoose';
import type { SavedViewDoc } from '../models';

export interface SavedView {
  id: string;
  name: string;
  /** The list's query parameters, as strings (what GET /v1/tickets takes). */
  query: Record<string, string>;
  ownerId: string;
  sharedWithGroup?: string;
  createdAt: number;
  updatedAt: number;
}

export type NewSavedView = Pick<SavedView, 'name' | 'query' | 'ownerId'> & { sharedWithGroup?: string | undefined };
/** `sharedWithGroup: null` stops sharing. */
export type SavedViewPatch = {
  name?: string | undefined;
  query?: Record<string, string> | undefined;
  sharedWithGroup?: string | null | undefined;
};

const viewOf = ({ _id, ...rest }: SavedViewDoc): SavedView => ({ id: _id, ...rest });

export class SavedViewRepository {
  constructor(private readonly views: Model<SavedViewDoc>) {}

  async create(input: NewSavedView, now = Date.now()): Promise<SavedView> {
    const doc: SavedViewDoc = {
      _id: `v-${randomUUID()}`,
      name: input.name,
      query: input.query,
      ownerId: input.ownerId,
      ...(input.sharedWithGroup ? { sharedWithGroup: input.sharedWithGroup } : {}),
      createdAt: now,
      updatedAt: now,
    };
    await this.views.create(doc);
    return viewOf(doc);
  }

  async get(id: string): Promise<SavedView | undefined> {
    const doc = await this.views.findById(id).lean<SavedViewDoc>();
    return doc ? viewOf(doc) : undefined;
  }

  /**
   * The views a user sees: their own and those shared with any of their groups, oldest first.
   * Two equality reads instead of one `$or`: each is served by its own index on every store.
   */
  async visibleTo(ownerId: string, groups: string[]): Promise<SavedView[]> {
    const [own, shared] = await Promise.all([
      this.views.find({ ownerId }).lean<SavedViewDoc[]>(),
      groups.length > 0 ? this.views.find({ sharedWithGroup: { $in: groups } }).lean<SavedViewDoc[]>() : [],
    ]);
    const byId = new Map<string, SavedViewDoc>();
    for (const doc of [...own, ...shared]) byId.set(doc._id, doc);
    return [...byId.values()].sort((a, b) => a.createdAt - b.createdAt || (a._id < b._id ? -1 : 1)).map(viewOf);
  }

  async update(id: string, patch: SavedViewPatch, now = Date.now()): Promise<SavedView | undefined> {
    const $set: Record<string, unknown> = { updatedAt: now };
    const $unset: Record<string, ''> = {};
    if (patch.name !== undefined) $set.name = patch.name;
    if (patch.query !== undefined) $set.query = patch.query;
    if (patch.sharedWithGroup === null) $unset.sharedWithGroup = '';
    else if (patch.sharedWithGroup !== undefined) $set.sharedWithGroup = patch.sharedWithGroup;
    const doc = await this.views
      .findOneAndUpdate({ _id: id }, { $set, ...(Object.keys($unset).length > 0 ? { $unset } : {}) }, { new: true })
      .lean<SavedViewDoc>();
    return doc ? viewOf(doc) : undefined;
  }

  async delete(id: string): Promise<boolean> {
    const { deletedCount } = await this.views.deleteOne({ _id: id });
    return deletedCount > 0;
  }
}

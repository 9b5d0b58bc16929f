// Macros: an agent's saved actions and reply, personal or shared with every agent.
import { randomUUID } from 'node:crypto';
import type { Model } from 'mongoose';
import type { AutomationAction } from '@helpdesk/contracts';
import type { MacroDoc } from '../models';

export interface Macro {
  id: string;
  name: string;
  ownerId: string;
  shared: boolean;
  actions: AutomationAction[];
  reply?: { body: string; visibility: 'public' | 'private_note' } | undefined;
  createdAt: number;
  updatedAt: number;
}

export type NewMacro = Pick<Macro, 'name' | 'ownerId' | 'shared' | 'actions' | 'reply'>;
/** `reply: null` removes the reply. */
export type MacroPatch = {
  name?: string | undefined;
  shared?: boolean | undefined;
  actions?: AutomationAction[] | undefined;
  reply?: Macro['reply'] | null;
};

const macroOf = ({ _id, ...rest }: MacroDoc): Macro => ({ id: _id, ...rest });

export class MacroRepository {
  constructor(private readonly macros: Model<MacroDoc>) {}

  async create(input: NewMacro, now = Date.now()): Promise<Macro> {
    const doc: MacroDoc = {
      _id: `m-${randomUUID()}`,
      name: input.name,
      ownerId: input.ownerId,
      shared: input.shared,
      actions: input.actions,
      ...(input.reply ? { reply: input.reply } : {}),
      createdAt: now,
      updatedAt: now,
    };
    await this.macros.create(doc);
    return macroOf(doc);
  }

  async get(id: string): Promise<Macro | undefined> {
    const doc = await this.macros.findById(id).lean<MacroDoc>();
    return doc ? macroOf(doc) : undefined;
  }

  /** The macros a user may apply: their own and the shared ones, by name. Two indexed equality reads. */
  async visibleTo(ownerId: string): Promise<Macro[]> {
    const [own, shared] = await Promise.all([
      this.macros.find({ ownerId }).lean<MacroDoc[]>(),
      this.macros.find({ shared: true }).lean<MacroDoc[]>(),
    ]);
    const byId = new Map<string, MacroDoc>();
    for (const doc of [...own, ...shared]) byId.set(doc._id, doc);
    return [...byId.values()].sort((a, b) => a.name.localeCompare(b.name) || (a._id < b._id ? -1 : 1)).map(macroOf);
  }

  async update(id: string, patch: MacroPatch, now = Date.now()): Promise<Macro | undefined> {
    const $set: Record<string, unknown> = { updatedAt: now };
    const $unset: Record<string, ''> = {};
    if (patch.name !== undefined) $set.name = patch.name;
    if (patch.shared !== undefined) $set.shared = patch.shared;
    if (patch.actions !== undefined) $set.actions = patch.actions;
    if (patch.reply === null) $unset.reply = '';
    else if (patch.reply !== undefined) $set.reply = patch.reply;
    const doc = await this.macros
      .findOneAndUpdate({ _id: id }, { $set, ...(Object.keys($unset).length > 0 ? { $unset } : {}) }, { new: true })
      .lean<MacroDoc>();
    return doc ? macroOf(doc) : undefined;
  }

  async delete(id: string): Promise<boolean> {
    const { deletedCount } = await this.macros.deleteOne({ _id: id });
    return deletedCount > 0;
  }
}

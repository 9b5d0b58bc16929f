// Who a notification goes to, read from the directory. Rules and workflows name people and groups
// by reference (`user:<id>`, `group:<name>`), never by a copied address, so mail follows the
// directory as it is when the mail leaves.
import type { Store } from '@helpdesk/persistence';

export interface DroppedRecipient {
  recipient: string;
  reason: string;
}

export interface ResolvedRecipients {
  to: string[];
  cc: string[];
  /** References that lead to no address, with why (kept on the notification's record). */
  dropped: DroppedRecipient[];
}

/** The mailbox breach mail was sent to before the directory: read as a reference to the group. */
const LEGACY_GROUP_MAILBOX = /^([^@\s]+)@groups\.helpdesk\.local$/i;

/**
 * `user:<id>`: the user's email while they are active. `group:<name>`: the group's email, else its
 * active members' emails. A plain address passes through, except `<name>@groups.helpdesk.local`,
 * which means the directory group of that name when there is one. Anything else is dropped, with
 * the reason.
 */
export async function resolveRecipients(
  store: Store,
  to: readonly string[],
  cc: readonly string[] = [],
): Promise<ResolvedRecipients> {
  const dropped: DroppedRecipient[] = [];
  const { directory } = store;

  const one = async (recipient: string): Promise<string[]> => {
    if (recipient.startsWith('user:')) {
      const id = recipient.slice('user:'.length);
      const user = await directory.user(id);
      if (user?.active) return [user.email];
      dropped.push({ recipient, reason: user ? 'the user is deactivated' : 'no such user in the directory' });
      return [];
    }
    const legacy = LEGACY_GROUP_MAILBOX.exec(recipient)?.[1];
    const groupName = recipient.startsWith('group:') ? recipient.slice('group:'.length) : legacy;
    if (groupName !== undefined) {
      const group = await directory.group(groupName);
      if (!group) {
        if (legacy !== undefined) return [recipient];
        dropped.push({ recipient, reason: 'no such group in the directory' });
        return [];
      }
      if (group.email) return [group.email];
      const members = await directory.listUsers({ ids: group.members, active: true });
      if (members.length > 0) return members.map((m) => m.email);
      dropped.push({ recipient, reason: 'the group has no email and no active member' });
      return [];
    }
    return [recipient];
  };

  const resolve = async (list: readonly string[]) => {
    const out: string[] = [];
    for (const r of list) out.push(...(await one(r)));
    return [...new Set(out.map((a) => a.toLowerCase()))];
  };
  const resolvedTo = await resolve(to);
  // Whoever is in To is not copied again.
  const resolvedCc = (await resolve(cc)).filter((a) => !resolvedTo.includes(a));
  return { to: resolvedTo, cc: resolvedCc, dropped };
}

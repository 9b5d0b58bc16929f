// The built-in views of the left rail: list queries of GET /v1/tickets for this agent.
import type { ListQuery, SavedView } from './api';

export interface ViewDef {
  key: string;
  name: string;
  query: ListQuery;
  saved?: SavedView;
}

const OPEN = 'new,in_progress,waiting';

export function builtInViews(userId: string, myGroup: string | undefined, now: number): ViewDef[] {
  const soon = new Date(now + 4 * 3600_000).toISOString();
  return [
    { key: 'new', name: 'New', query: { status: 'new' } },
    { key: 'mine', name: 'Mine', query: { assignee: userId, status: OPEN } },
    ...(myGroup ? [{ key: 'group', name: `My group (${myGroup})`, query: { group: myGroup, status: OPEN } }] : []),
    { key: 'attention', name: 'Needs attention', query: { attention: 'true', status: OPEN } },
    { key: 'waiting', name: 'Waiting', query: { status: 'waiting' } },
    { key: 'breaching', name: 'Breaching soon', query: { dueBefore: soon, status: OPEN } },
    { key: 'breached', name: 'Breached', query: { breached: 'true', status: OPEN } },
    { key: 'closed', name: 'Recently closed', query: { status: 'resolved,closed', sort: 'updated' } },
  ];
}

export const savedViewDef = (view: SavedView): ViewDef => ({
  key: `saved:${view.id}`,
  name: view.name,
  query: view.query,
  saved: view,
});

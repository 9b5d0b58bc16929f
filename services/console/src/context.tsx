// What every screen reaches: the API, the signed-in user, and the live stream's events.
import { createContext, useContext, useEffect, useRef } from 'react';
import type { Api, LiveEvent, SignedInUser } from '@helpdesk/api-client';

/** A live event, or `resync`: the stream came back after a drop, so changes may have been missed. */
export type ConsoleEvent = LiveEvent | { type: 'resync' };

export interface Live {
  subscribe(listener: (event: ConsoleEvent) => void): () => void;
}

export interface ConsoleContext {
  api: Api;
  user: SignedInUser;
  live: Live;
}

export const Ctx = createContext<ConsoleContext | null>(null);

export function useConsole(): ConsoleContext {
  const value = useContext(Ctx);
  if (!value) throw new Error('useConsole outside the console');
  return value;
}

/** Calls `listener` for each live event while the component is mounted (the latest listener). */
export function useLiveEvents(listener: (event: ConsoleEvent) => void): void {
  const { live } = useConsole();
  const latest = useRef(listener);
  latest.current = listener;
  useEffect(() => live.subscribe((event) => latest.current(event)), [live]);
}

/** A live hub: one stream, many listeners. */
export function liveHub(): Live & { emit(event: ConsoleEvent): void } {
  const listeners = new Set<(event: ConsoleEvent) => void>();
  return {
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    emit(event) {
      for (const l of listeners) l(event);
    },
  };
}

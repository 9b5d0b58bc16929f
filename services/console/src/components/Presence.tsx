// Who else is on this ticket: this page says it is viewing (PUT …/presence every 10 s, typing
// while the composer changes), hears the others through the live stream, and leaves (DELETE).
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { Viewer } from '@helpdesk/api-client';
import { useConsole, useLiveEvents } from '../context';

const HEARTBEAT_MS = 10_000;
const TYPING_IDLE_MS = 4_000;

export function usePresence(ticketId: string): { viewers: Viewer[]; typing: () => void } {
  const { api, user } = useConsole();
  const [viewers, setViewers] = useState<Viewer[]>([]);
  const typingNow = useRef(false);
  const idle = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const path = useMemo(() => ({ params: { path: { id: ticketId } } }), [ticketId]);

  const announce = useCallback(
    async (typing: boolean) => {
      typingNow.current = typing;
      try {
        const { data } = await api.client.PUT('/v1/tickets/{id}/presence', { ...path, body: { typing } });
        if (data) setViewers(data.viewers);
      } catch {
        // presence is best effort
      }
    },
    [api, path],
  );

  useEffect(() => {
    void announce(false);
    const beat = setInterval(() => void announce(typingNow.current), HEARTBEAT_MS);
    return () => {
      clearInterval(beat);
      clearTimeout(idle.current);
      void api.client.DELETE('/v1/tickets/{id}/presence', path).catch(() => undefined);
    };
  }, [announce, api, path]);

  useLiveEvents((event) => {
    if (event.type === 'presence' && event.data.ticketId === ticketId) setViewers(event.data.viewers);
    if (event.type === 'resync') void announce(typingNow.current);
  });

  const typing = useCallback(() => {
    if (!typingNow.current) void announce(true);
    clearTimeout(idle.current);
    idle.current = setTimeout(() => void announce(false), TYPING_IDLE_MS);
  }, [announce]);

  return { viewers: viewers.filter((v) => v.userId !== user.id), typing };
}

export function Presence({ viewers }: { viewers: Viewer[] }) {
  if (viewers.length === 0) return null;
  return (
    <div className="presence" role="status" aria-live="polite" data-testid="presence">
      {viewers.map((v) => (
        <span key={v.userId} className={v.typing ? 'viewer typing' : 'viewer'}>
          <span className="avatar" aria-hidden="true">
            {(v.name || v.userId).slice(0, 1).toUpperCase()}
          </span>
          {v.name || v.userId} {v.typing ? 'is typing…' : 'is viewing'}
        </span>
      ))}
    </div>
  );
}

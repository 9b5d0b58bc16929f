import { useEffect, useState } from 'react';

/** "in 3h 12m" / "2h 5m ago", ticking every second. */
export function formatDelta(ms: number): string {
  const abs = Math.abs(ms);
  const s = Math.floor(abs / 1000);
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const text = d > 0 ? `${d}d ${h}h` : h > 0 ? `${h}h ${m}m` : m > 0 ? `${m}m ${s % 60}s` : `${s % 60}s`;
  return ms >= 0 ? `in ${text}` : `${text} ago`;
}

export function useNow(intervalMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}

export function Countdown({ to }: { to: string }) {
  const now = useNow();
  const ms = Date.parse(to) - now;
  return (
    <time
      dateTime={to}
      className={ms < 0 ? 'overdue' : ms < 3600_000 ? 'soon' : undefined}
      title={new Date(to).toLocaleString()}
    >
      {ms < 0 ? `overdue ${formatDelta(ms)}` : `due ${formatDelta(ms)}`}
    </time>
  );
}

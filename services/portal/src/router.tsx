// A few routes under the app's base (/portal/): history API navigation, no library needed.
import { useEffect, useState } from 'react';
import type { AnchorHTMLAttributes, MouseEvent } from 'react';

export type Route =
  | { name: 'list' }
  | { name: 'new' }
  | { name: 'request'; id: string }
  | { name: 'sign-in' }
  | { name: 'magic'; token: string | undefined }
  | { name: 'not-found' };

const base = (): string => {
  const b = import.meta.env.BASE_URL || '/';
  return b.endsWith('/') ? b : `${b}/`;
};

export function parseRoute(pathname: string, search: string): Route {
  const b = base();
  const rest = pathname.startsWith(b) ? pathname.slice(b.length) : pathname === b.slice(0, -1) ? '' : null;
  if (rest === null) return { name: 'not-found' };
  const path = rest.replace(/\/+$/, '');
  if (path === '' || path === 'requests') return { name: 'list' };
  if (path === 'requests/new') return { name: 'new' };
  if (path === 'sign-in') return { name: 'sign-in' };
  if (path === 'sign-in/magic') return { name: 'magic', token: new URLSearchParams(search).get('token') ?? undefined };
  const request = /^requests\/([^/]+)$/.exec(path);
  if (request?.[1]) return { name: 'request', id: decodeURIComponent(request[1]) };
  return { name: 'not-found' };
}

export function href(route: Route): string {
  switch (route.name) {
    case 'list':
      return base();
    case 'new':
      return `${base()}requests/new`;
    case 'request':
      return `${base()}requests/${encodeURIComponent(route.id)}`;
    case 'sign-in':
    case 'not-found':
      return `${base()}sign-in`;
    case 'magic':
      return `${base()}sign-in/magic${route.token ? `?token=${encodeURIComponent(route.token)}` : ''}`;
  }
}

const CHANGE = 'portal:navigate';

export function navigate(route: Route, opts: { replace?: boolean } = {}): void {
  const url = href(route);
  if (opts.replace) window.history.replaceState(null, '', url);
  else window.history.pushState(null, '', url);
  window.dispatchEvent(new Event(CHANGE));
}

const current = (): Route => parseRoute(window.location.pathname, window.location.search);

export function useRoute(): Route {
  const [route, setRoute] = useState<Route>(current);
  useEffect(() => {
    const update = () => setRoute(current());
    window.addEventListener('popstate', update);
    window.addEventListener(CHANGE, update);
    return () => {
      window.removeEventListener('popstate', update);
      window.removeEventListener(CHANGE, update);
    };
  }, []);
  return route;
}

type LinkProps = Omit<AnchorHTMLAttributes<HTMLAnchorElement>, 'href'> & { to: Route };

/** A link that navigates in the app (a modified click opens a new tab as usual). */
export function Link({ to, onClick, ...rest }: LinkProps) {
  const handle = (e: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(e);
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(to);
  };
  return <a href={href(to)} onClick={handle} {...rest} />;
}

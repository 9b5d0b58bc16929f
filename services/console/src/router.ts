// Hash routes (the gateway serves one index.html under /console/): #/list/<view>, #/tickets/<id>,
// #/admin/<page>.
import { useEffect, useState } from 'react';

export type Route =
  | { name: 'list'; view: string }
  | { name: 'ticket'; id: string }
  | { name: 'admin'; page: 'settings' | 'sla' | 'directory' | 'suspended' };

export function parseHash(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  if (parts[0] === 'tickets' && parts[1]) return { name: 'ticket', id: parts[1] };
  if (parts[0] === 'admin') {
    const page = parts[1];
    if (page === 'settings' || page === 'sla' || page === 'directory' || page === 'suspended')
      return { name: 'admin', page };
  }
  if (parts[0] === 'list' && parts[1]) return { name: 'list', view: parts[1] };
  return { name: 'list', view: 'new' };
}

export const hrefOf = (route: Route): string => {
  switch (route.name) {
    case 'list':
      return `#/list/${encodeURIComponent(route.view)}`;
    case 'ticket':
      return `#/tickets/${encodeURIComponent(route.id)}`;
    case 'admin':
      return `#/admin/${route.page}`;
  }
};

export function navigate(route: Route): void {
  window.location.hash = hrefOf(route);
}

/** The last list shown: where a ticket page's "back" goes. */
let lastList: Route = { name: 'list', view: 'new' };
export const backToList = (): string => hrefOf(lastList);

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseHash(window.location.hash));
  if (route.name === 'list') lastList = route;
  useEffect(() => {
    const onChange = () => setRoute(parseHash(window.location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}

// The console: sign-in, then the shell (header, the rail of views, the page of the route) with one
// live stream feeding every screen.
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { Api, SignedInUser } from '@helpdesk/api-client';
import type { SavedView } from './api';
import { call } from './call';
import { Ctx, liveHub, useConsole } from './context';
import type { ConsoleContext } from './context';
import { hrefOf, useRoute } from './router';
import { builtInViews, savedViewDef } from './views';
import type { ViewDef } from './views';
import { SignIn } from './components/SignIn';
import { Rail } from './components/Rail';
import { TicketListPage } from './pages/TicketListPage';
import { TicketPage } from './pages/TicketPage';
import { SettingsPage } from './admin/SettingsPage';
import { SlaPage } from './admin/SlaPage';
import { DirectoryPage } from './admin/DirectoryPage';
import { SuspendedPage } from './admin/SuspendedPage';

export function App({ api }: { api: Api }) {
  const [user, setUser] = useState<SignedInUser | null>(api.session.user);
  useEffect(() => api.session.onChange(setUser), [api]);
  if (!user) return <SignIn session={api.session} />;
  return <Shell api={api} user={user} key={user.id} />;
}

function Shell({ api, user }: { api: Api; user: SignedInUser }) {
  const hub = useMemo(() => liveHub(), []);
  const [connected, setConnected] = useState(false);
  useEffect(() => {
    let opened = false;
    const stream = api.openLiveStream((event) => hub.emit(event), {
      onOpen: () => {
        setConnected(true);
        // Back after a drop: what changed meanwhile was not sent, so every screen reads again.
        if (opened) hub.emit({ type: 'resync' });
        opened = true;
      },
      onDisconnect: () => setConnected(false),
    });
    return () => stream.close();
  }, [api, hub]);
  const ctx: ConsoleContext = useMemo(() => ({ api, user, live: hub }), [api, user, hub]);
  return (
    <Ctx.Provider value={ctx}>
      <Layout connected={connected} />
    </Ctx.Provider>
  );
}

function useViews(ctx: { api: Api; user: SignedInUser }) {
  const { api, user } = ctx;
  const [myGroup, setMyGroup] = useState<string | undefined>();
  const [saved, setSaved] = useState<SavedView[]>([]);
  const [now] = useState(() => Date.now());
  const reloadSaved = useCallback(async () => {
    const list = await call(api.client.GET('/v1/views')).catch(() => ({ items: [] as SavedView[] }));
    setSaved(list.items);
  }, [api]);
  useEffect(() => {
    void call(api.client.GET('/v1/groups'))
      .then((groups) => setMyGroup(groups.items.find((g) => g.members.includes(user.id))?.name))
      .catch(() => undefined);
    void reloadSaved();
  }, [api, user.id, reloadSaved]);
  const views: ViewDef[] = useMemo(
    () => [...builtInViews(user.id, myGroup, now), ...saved.map(savedViewDef)],
    [user.id, myGroup, now, saved],
  );
  return { views, reloadSaved };
}

function Layout({ connected }: { connected: boolean }) {
  const ctx = useConsole();
  const { api, user } = ctx;
  const route = useRoute();
  const { views, reloadSaved } = useViews(ctx);
  const [menuOpen, setMenuOpen] = useState(false);
  useEffect(() => setMenuOpen(false), [route]);
  const current = route.name === 'list' ? (views.find((v) => v.key === route.view) ?? views[0]) : undefined;

  return (
    <div className="shell">
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="top">
        <button
          type="button"
          className="menu-toggle"
          aria-expanded={menuOpen}
          aria-controls="rail"
          onClick={() => setMenuOpen((o) => !o)}
        >
          Views
        </button>
        <a className="brand" href={hrefOf({ name: 'list', view: 'new' })}>
          Helpdesk
        </a>
        <nav aria-label="Administration" className="admin-nav">
          <a href={hrefOf({ name: 'admin', page: 'suspended' })}>Suspended mail</a>
          <a href={hrefOf({ name: 'admin', page: 'directory' })}>Directory</a>
          {user.role === 'admin' && <a href={hrefOf({ name: 'admin', page: 'settings' })}>Settings</a>}
          {user.role === 'admin' && <a href={hrefOf({ name: 'admin', page: 'sla' })}>SLA policies</a>}
        </nav>
        <span className={connected ? 'live on' : 'live'} role="status" aria-live="polite">
          {connected ? 'Live' : 'Offline'}
        </span>
        <span className="who" data-testid="signed-in-as">
          {user.name}
        </span>
        <button type="button" onClick={() => void api.session.signOut()}>
          Sign out
        </button>
      </header>
      <div className="layout">
        <Rail id="rail" open={menuOpen} views={views} current={current?.key} onChanged={() => void reloadSaved()} />
        <main id="main" tabIndex={-1}>
          {route.name === 'list' && current && (
            <TicketListPage view={current} key={current.key} onSaved={() => void reloadSaved()} />
          )}
          {route.name === 'ticket' && <TicketPage id={route.id} key={route.id} />}
          {route.name === 'admin' && route.page === 'settings' && <SettingsPage />}
          {route.name === 'admin' && route.page === 'sla' && <SlaPage />}
          {route.name === 'admin' && route.page === 'directory' && <DirectoryPage />}
          {route.name === 'admin' && route.page === 'suspended' && <SuspendedPage />}
        </main>
      </div>
    </div>
  );
}

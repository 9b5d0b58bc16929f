// The web apps' builds, served by the gateway itself (one origin: the apps call /v1 with no CORS):
// the agent console at /console/ and the requester portal at /portal/.
//
// Vite puts every bundle under assets/ with a content hash in its name, so those are cached for a
// year (immutable); index.html names the current bundles, so it is never cached (no-cache: always
// revalidated), and a deploy is picked up on the next load. Client-side routes (/console/tickets/…)
// get index.html (the app routes them); a missing file under assets/ is a 404, never index.html,
// which a browser would try to run as a script.
import fs from 'node:fs';
import path from 'node:path';
import express, { Router } from 'express';
import helmet from 'helmet';
import { AppError } from './errors';

export interface WebApp {
  /** URL prefix, e.g. /console */
  mount: string;
  /** What a person calls it, for messages. */
  label: string;
  /** The configuration variable naming its build. */
  variable: 'CONSOLE_DIR' | 'PORTAL_DIR';
  /** Its workspace folder and package, for the messages that say how to build it. */
  workspace: string;
  pkg: string;
  /** The build folder (absolute); undefined: not served here. */
  dir: string | undefined;
}

const YEAR_SECONDS = 365 * 24 * 3600;

/**
 * What the built apps may do: their own scripts only (Vite emits no inline script), calls to this
 * origin only (the API and the live stream), images from here or data:/blob: URLs (previews of
 * attachments being uploaded). Inline styles are allowed: Radix's dialog locks page scroll by
 * adding a <style> element, and a style cannot run code. No upgrade-insecure-requests: `npm start`
 * serves plain http on localhost, where an upgrade would break every asset.
 */
const csp = helmet.contentSecurityPolicy({
  useDefaults: false,
  directives: {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'"],
    scriptSrcAttr: ["'none'"],
    styleSrc: ["'self'", "'unsafe-inline'"],
    imgSrc: ["'self'", 'data:', 'blob:'],
    fontSrc: ["'self'", 'data:'],
    connectSrc: ["'self'"],
    objectSrc: ["'none'"],
    baseUri: ["'self'"],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
  },
});

class WebAppMissingError extends AppError {
  constructor(message: string) {
    super(404, 'not_found', message);
  }
}

export function webAppRoutes(app: WebApp): Router {
  const router = Router();
  const notServed = () => {
    throw new WebAppMissingError(
      `The ${app.label} is not served by this gateway: set ${app.variable} to the folder of its build (${app.workspace}/dist)`,
    );
  };
  const dir = app.dir;
  if (dir === undefined) {
    router.use(app.mount, notServed);
    return router;
  }
  const index = path.join(dir, 'index.html');
  // Checked per request, not once: an app built after the gateway started is served without a restart.
  const built = () => fs.existsSync(index);
  const notBuilt = () => {
    throw new WebAppMissingError(
      `The ${app.label} is not built: ${index} is missing; run \`npx turbo run build --filter=${app.pkg}\``,
    );
  };

  // /console → /console/: the build's asset URLs are relative to the folder.
  router.get(app.mount, (req, res, next) => {
    if (req.path !== app.mount) return next();
    const query = req.originalUrl.slice(req.path.length);
    res.redirect(301, `${app.mount}/${query}`);
  });
  router.use(
    app.mount,
    csp,
    (_req, _res, next) => (built() ? next() : notBuilt()),
    express.static(dir, {
      index: false,
      redirect: false,
      setHeaders: (res, file) => {
        const hashed = path.relative(dir, file).split(path.sep)[0] === 'assets';
        res.setHeader('Cache-Control', hashed ? `public, max-age=${YEAR_SECONDS}, immutable` : 'no-cache');
      },
    }),
    (req, res, next) => {
      if (req.method !== 'GET' && req.method !== 'HEAD') return next();
      // A file that is not there (an old bundle after a deploy, a typo) is a 404, not the app.
      if (req.path.startsWith('/assets/') || path.extname(req.path) !== '') return next();
      res.setHeader('Cache-Control', 'no-cache');
      res.sendFile(index, (err) => {
        if (err) next(err);
      });
    },
  );
  return router;
}

/** The console and the portal, from the gateway's configuration. */
export const webApps = (dirs: { console?: string | undefined; portal?: string | undefined }): WebApp[] => [
  {
    mount: '/console',
    label: 'agent console',
    variable: 'CONSOLE_DIR',
    workspace: 'services/console',
    pkg: '@helpdesk/console',
    dir: dirs.console,
  },
  {
    mount: '/portal',
    label: 'requester portal',
    variable: 'PORTAL_DIR',
    workspace: 'services/portal',
    pkg: '@helpdesk/portal',
    dir: dirs.portal,
  },
];

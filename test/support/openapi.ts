// Validates answers against the gateway's own /openapi.json: the document is checked to tell the
// truth about every response the tests see.
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { ValidateFunction } from 'ajv';
import { api, stack } from './api';
import type { ApiResponse } from './api';

interface Operation {
  responses: Record<string, { content?: Record<string, { schema: Record<string, unknown> }> }>;
}

const DOC_ID = 'https://helpdesk.local/openapi.json';
let loaded: Promise<{ doc: { paths: Record<string, Record<string, Operation>> }; ajv: Ajv2020 }> | undefined;

function load() {
  loaded ??= (async () => {
    const res = await api<{ paths: Record<string, Record<string, Operation>> }>('GET', '/openapi.json', {
      base: stack().gateway,
    });
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    ajv.addSchema({ ...res.body, $id: DOC_ID });
    return { doc: res.body, ajv };
  })();
  return loaded;
}

const cache = new Map<string, ValidateFunction>();

/** The documented schema for this answer; fails when the answer is not documented at all. */
export async function assertDocumented(method: string, url: string, res: ApiResponse<unknown>): Promise<void> {
  const { doc, ajv } = await load();
  const path = new URL(url, 'http://x').pathname;
  // A literal segment wins over a parameter (/v1/tickets/count before /v1/tickets/{id}), as in the router.
  const template = Object.keys(doc.paths)
    .filter((p) => new RegExp(`^${p.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(path))
    .sort((a, b) => (a.match(/\{/g)?.length ?? 0) - (b.match(/\{/g)?.length ?? 0))[0];
  if (!template) throw new Error(`${method} ${path} is not in /openapi.json`);
  const op = doc.paths[template]?.[method.toLowerCase()];
  if (!op) throw new Error(`${method} ${template} is not in /openapi.json`);
  const documented = op.responses[String(res.status)];
  if (!documented) throw new Error(`${method} ${template} answered ${res.status}, which /openapi.json does not list`);
  const [type, media] = Object.entries(documented.content ?? {})[0] ?? [];
  if (!media || res.status === 304 || res.status === 204) return;
  const contentType = res.headers.get('content-type') ?? '';
  if (type !== 'application/octet-stream' && !contentType.startsWith(type ?? '')) {
    throw new Error(`${method} ${template} ${res.status}: content-type ${contentType}, documented ${type}`);
  }
  // A file or a page for a person: the content type is what the document says it is.
  if (type === 'application/octet-stream' || type === 'text/html') return;
  const ref = String(media.schema.$ref ?? '');
  const key = `${method} ${template} ${res.status}`;
  let validate = cache.get(key);
  if (!validate) {
    validate = ajv.compile({ $ref: `${DOC_ID}${ref}` });
    cache.set(key, validate);
  }
  if (!validate(res.body)) {
    throw new Error(
      `${key}: body does not match ${ref}: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(res.body).slice(0, 500)}`,
    );
  }
}

/** api(), and the answer must match the document. */
export async function checked<T = Record<string, unknown>>(
  method: string,
  path: string,
  opts: Parameters<typeof api>[2] = {},
): Promise<ApiResponse<T>> {
  const res = await api<T>(method, path, opts);
  await assertDocumented(method, path, res as ApiResponse<unknown>);
  return res;
}

// The OpenAPI document, generated from the same zod schemas the handlers parse with and answer
// to. Each route file declares its operations here next to the handler (see `document()`).
import { z } from 'zod';
import { ZProblemSchema, ZTicketEventSchema, ZTicketSchema } from '@helpdesk/contracts';

export interface OperationDoc {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** Express-style path, e.g. /v1/tickets/:id */
  path: string;
  summary: string;
  tag: string;
  /** Who may call it; shown in the description. */
  roles: string;
  body?: z.ZodType;
  /** multipart/form-data instead of JSON */
  multipart?: boolean;
  query?: z.ZodObject;
  /** status → schema of the answer (undefined: no body) */
  responses: Record<number, z.ZodType | undefined | 'binary'>;
  /** Problem statuses this operation can answer besides 400/401/429. */
  problems?: number[];
}

const operations: OperationDoc[] = [];
/** Named schemas that only appear nested in others: components of their own, so references resolve. */
const nestedSchemas: z.ZodType[] = [ZTicketSchema, ZTicketEventSchema];

export function document(op: OperationDoc, nested: z.ZodType[] = []): void {
  operations.push(op);
  nestedSchemas.push(...nested);
}

const PROBLEM_TITLES: Record<number, string> = {
  400: 'Bad input: every invalid field is named',
  401: 'No or bad bearer token',
  403: 'Not allowed for this principal',
  404: 'Not found',
  409: 'Refused transition or closed ticket',
  413: 'Body too large',
  415: 'Unsupported media type',
  422: 'Missing fields, or an Idempotency-Key reused with another body',
  429: 'Too many requests (see Retry-After)',
};

/** Request bodies are documented as the client writes them (defaults optional), inline. */
function inputSchema(schema: z.ZodType): Record<string, unknown> {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  delete json.$schema;
  return json;
}

export function buildOpenApi(): Record<string, unknown> {
  const registry = z.registry<{ id: string }>();
  const named = new Map<z.ZodType, string>();
  let n = 0;
  const ref = (schema: z.ZodType): { $ref: string } => {
    let id = named.get(schema) ?? (schema.meta() as { id?: string } | undefined)?.id;
    if (!id) id = `Schema${++n}`;
    if (!named.has(schema)) {
      named.set(schema, id);
      if (!registry.has(schema)) registry.add(schema, { id });
    }
    return { $ref: `#/components/schemas/${id}` };
  };
  const problem = ref(ZProblemSchema);
  // Schemas that others nest: registered up front so they become components, not inline copies.
  for (const schema of new Set(nestedSchemas)) ref(schema);
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of operations) {
    const path = op.path.replace(/:(\w+)/g, '{$1}');
    const params = [...op.path.matchAll(/:(\w+)/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
    const query = op.query
      ? Object.entries(op.query.shape).map(([name, schema]) => ({
          name,
          in: 'query',
          required: !(schema as z.ZodType).safeParse(undefined).success,
          schema: inputSchema(schema as z.ZodType),
        }))
      : [];
    const responses: Record<string, unknown> = {};
    for (const [status, schema] of Object.entries(op.responses)) {
      responses[status] =
        schema === undefined
          ? { description: 'No content' }
          : schema === 'binary'
            ? { description: 'The file', content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } } }
            : { description: 'OK', content: { 'application/json': { schema: ref(schema) } } };
    }
    const withBody = op.method === 'post' || op.method === 'put' || op.method === 'patch';
    const common = [400, 401, 429, ...(withBody ? [413, 415] : []), ...(op.method === 'post' ? [409, 422] : [])];
    for (const status of [...new Set([...common, ...(op.problems ?? [])])]) {
      responses[String(status)] = { description: PROBLEM_TITLES[status] ?? 'Problem', content: { 'application/problem+json': { schema: problem } } };
    }
    paths[path] ??= {};
    paths[path][op.method] = {
      summary: op.summary,
      description: `Who may call it: ${op.roles}.`,
      tags: [op.tag],
      parameters: [
        ...params,
        ...query,
        ...(op.method === 'post' ? [{ name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string', maxLength: 200 } }] : []),
      ],
      ...(op.body
        ? {
            requestBody: {
              required: true,
              content: op.multipart
                ? { 'multipart/form-data': { schema: { type: 'object', properties: { file: { type: 'string', format: 'binary' } } } } }
                : { 'application/json': { schema: inputSchema(op.body) } },
            },
          }
        : {}),
      responses,
      security: path === '/healthz' || path === '/readyz' ? [] : [{ bearer: [] }],
    };
  }
  const { schemas } = z.toJSONSchema(registry, { uri: (id) => `#/components/schemas/${id}`, unrepresentable: 'any', io: 'output' }) as {
    schemas: Record<string, Record<string, unknown>>;
  };
  for (const s of Object.values(schemas)) delete s.$schema;
  return {
    openapi: '3.1.0',
    info: {
      title: 'Helpdesk API',
      version: '1.0.0',
      description: 'Every support ticket is a durable Temporal workflow. Errors are application/problem+json.',
    },
    servers: [{ url: '/' }],
    components: { schemas, securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    paths,
  };
}

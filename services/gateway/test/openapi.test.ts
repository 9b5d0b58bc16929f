// The OpenAPI document as API users and Swagger UI read it: valid OpenAPI 3.1, every reference
// resolvable inside the document, a schema for every answer, the problems every route can answer
// (429, 503 and 504 with Retry-After), examples that are what the handlers accept and write, tags
// in reading order, and how to get a token.
import type { AddressInfo } from 'node:net';
import SwaggerParser from '@apidevtools/swagger-parser';
import express from 'express';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { COMMAND_TYPES, ZProblemSchema, ZTicketSchema } from '@helpdesk/contracts';
import type { Refusal } from '@helpdesk/contracts';
import '../src/app'; // every route file declares its operations when it is loaded
import { CommandRefusedError, CommandTimeoutError, DependencyUnavailableError, problemHandler } from '../src/errors';
import { PROBLEM_EXAMPLES, TAGS, TICKET_EXAMPLE, buildOpenApi, documented } from '../src/openapi';
import { COMMAND_ROUTES } from '../src/routes/ticket-commands';

type Json = Record<string, unknown>;
interface Response {
  description: string;
  headers?: Record<string, unknown>;
  content?: Record<string, { schema?: Json; example?: unknown }>;
}
interface Operation {
  tags: string[];
  responses: Record<string, Response>;
}
interface Doc {
  info: { description: string };
  tags: { name: string }[];
  paths: Record<string, Record<string, Operation>>;
  components: {
    schemas: Record<string, Json & { properties: Record<string, Json> }>;
    securitySchemes: Record<string, Json>;
  };
}

const doc = buildOpenApi() as unknown as Doc;
const operations = Object.entries(doc.paths).flatMap(([path, ops]) =>
  Object.entries(ops).map(([method, op]) => ({ path, method, op })),
);

/** Every value under `node` with the given key, anywhere. */
function collect(node: unknown, key: string, found: unknown[] = []): unknown[] {
  if (Array.isArray(node)) node.forEach((n) => collect(n, key, found));
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === key) found.push(v);
      collect(v, key, found);
    }
  }
  return found;
}

describe('/openapi.json', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    await expect(SwaggerParser.validate(structuredClone(doc) as never)).resolves.toBeTruthy();
  });

  it('has only references Swagger UI resolves: to components of the document, no $id, no shared $defs', () => {
    const refs = collect(doc, '$ref') as string[];
    expect(refs.length).toBeGreaterThan(50);
    for (const ref of refs) {
      expect(ref).toMatch(/^#\/components\/schemas\/\w+$/);
      expect(doc.components.schemas[ref.split('/').pop() ?? ''], ref).toBeDefined();
    }
    expect(collect(doc, '$id')).toEqual([]);
    expect(collect(doc, '$defs')).toEqual([]);
    expect(JSON.stringify(doc)).not.toContain('__shared');
  });

  it('gives every answer with a body a real schema: an object component, never a bare string', () => {
    for (const { path, method, op } of operations) {
      for (const [status, response] of Object.entries(op.responses)) {
        for (const [type, media] of Object.entries(response.content ?? {})) {
          if (type === 'application/octet-stream') continue;
          // A page for a person (the satisfaction links' answers): HTML, not a schema.
          if (type === 'text/html') continue;
          const ref = String(media.schema?.$ref ?? '');
          const schema = doc.components.schemas[ref.split('/').pop() ?? ''];
          expect(schema?.type, `${method} ${path} ${status}`).toBe('object');
          expect(Object.keys(schema?.properties ?? {}).length).toBeGreaterThan(0);
        }
      }
    }
    const one = doc.paths['/v1/tickets/{id}']?.get?.responses['200']?.content?.['application/json']?.schema;
    expect(one).toEqual({ $ref: '#/components/schemas/Ticket' });
    expect(Object.keys(doc.components.schemas.Ticket?.properties ?? {})).toEqual(Object.keys(ZTicketSchema.shape));
  });

  it('documents the problems every /v1 route can answer, Retry-After with 429, 503 and 504', () => {
    const v1 = operations.filter((o) => o.path.startsWith('/v1/'));
    expect(v1.length).toBeGreaterThan(30);
    for (const { path, method, op } of v1) {
      for (const status of ['400', '401', '429', '503', '504']) {
        const response = op.responses[status];
        expect(response?.content?.['application/problem+json']?.schema, `${method} ${path} ${status}`).toEqual({
          $ref: '#/components/schemas/Problem',
        });
        if (status !== '400' && status !== '401')
          expect(Object.keys(response?.headers ?? {}), `${method} ${path} ${status}`).toEqual(['Retry-After']);
      }
    }
  });

  it('lists tickets first, in the order of its tags, and every operation under a declared tag', () => {
    expect(doc.tags.map((t) => t.name)).toEqual(Object.keys(TAGS));
    expect(doc.tags[0]?.name).toBe('tickets');
    const firstTags = operations.map((o) => o.op.tags[0]);
    expect(firstTags[0]).toBe('tickets');
    expect(firstTags.every((t) => t !== undefined && t in TAGS)).toBe(true);
  });

  it('tells how to get a token, in the description and the bearer scheme', () => {
    expect(doc.info.description).toContain('npm run token -- --role agent --sub alice');
    expect(doc.components.securitySchemes.bearer).toMatchObject({
      type: 'http',
      scheme: 'bearer',
      description: expect.stringContaining('npm run token'),
    });
  });

  it('names, for every command allowedCommands may offer, a route the document has', () => {
    expect(Object.keys(COMMAND_ROUTES).sort()).toEqual([...COMMAND_TYPES].sort());
    for (const [command, route] of Object.entries(COMMAND_ROUTES)) {
      const [method = '', path = ''] = route.split(' ');
      expect(doc.paths[path]?.[method.toLowerCase()], `${command}: ${route}`).toBeDefined();
    }
    expect(String(doc.components.schemas.Problem?.properties.allowedCommands?.description)).toContain(
      '`restore`: POST /v1/tickets/{id}/restore',
    );
  });
});

describe('examples', () => {
  it('every request example is a body its route accepts', () => {
    const withBody = documented().filter((op) => op.body && !op.multipart);
    expect(withBody.length).toBeGreaterThan(20);
    for (const op of withBody) {
      expect(op.example, `${op.method} ${op.path} has an example`).toBeDefined();
      const parsed = op.body?.safeParse(op.example);
      expect(parsed?.success, `${op.method} ${op.path}: ${parsed?.error?.message ?? ''}`).toBe(true);
    }
  });

  it('the ticket and problem examples are what the schemas say', () => {
    expect(() => ZTicketSchema.strict().parse(TICKET_EXAMPLE)).not.toThrow();
    const problem = z.strictObject({ ...ZProblemSchema.shape, dependency: z.enum(['temporal', 'store']).optional() });
    for (const [status, example] of Object.entries(PROBLEM_EXAMPLES)) {
      expect(problem.safeParse(example).success, status).toBe(true);
      expect(example.status).toBe(Number(status));
    }
  });
});

describe('problem bodies', () => {
  it('what problemHandler writes for outages and refusals has only documented fields', async () => {
    const refusal: Refusal = {
      code: 'invalid_transition',
      message: 'The ticket is not deleted',
      status: 'in_progress',
      allowed: ['take'],
    };
    const errors = [
      new DependencyUnavailableError('store'),
      new CommandTimeoutError(),
      new CommandRefusedError(refusal),
    ];
    const app = express();
    errors.forEach((e, i) => app.get(`/${i}`, () => Promise.reject(e)));
    app.use(problemHandler(() => undefined));
    const server = app.listen(0);
    try {
      const { port } = server.address() as AddressInfo;
      const documentedFields = Object.keys(doc.components.schemas.Problem?.properties ?? {});
      for (let i = 0; i < errors.length; i++) {
        const res = await fetch(`http://127.0.0.1:${port}/${i}`);
        const body = (await res.json()) as Json;
        expect(
          Object.keys(body).filter((k) => !documentedFields.includes(k)),
          `${res.status}`,
        ).toEqual([]);
        const response = doc.paths['/v1/tickets/{id}/take']?.post?.responses[String(res.status)];
        expect(response, `${res.status} documented`).toBeDefined();
        if (res.status >= 500) expect(res.headers.get('retry-after')).toBe('5');
      }
    } finally {
      server.close();
    }
  });
});

// Requests generated from the gateway's own OpenAPI document with fast-check: every documented
// operation, its path, query and body built from the document's schemas, most of them valid and
// some hostile (wrong types, unknown fields, keys the store cannot hold, huge strings), so both
// the happy paths and the validation paths are exercised.
import fc from 'fast-check';

type Schema = Record<string, unknown>;

export interface FuzzOperation {
  method: string;
  path: string;
  query: { name: string; required: boolean; schema: Schema }[];
  body?: Schema;
  multipart: boolean;
}

export interface FuzzRequest {
  method: string;
  path: string;
  body?: unknown;
  role: 'admin' | 'agent' | 'requester' | 'service' | 'none';
  idempotencyKey?: string;
}

interface Parameter {
  name: string;
  in: string;
  required?: boolean;
  schema: Schema;
}
interface Operation {
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema: Schema }> };
  responses?: Record<string, { content?: Record<string, unknown> }>;
}

/** An event stream stays open: a request/answer fuzzer would wait on it for ever (live.test.ts covers it). */
const isStream = (op: Operation) =>
  Object.values(op.responses ?? {}).some((r) => r.content !== undefined && 'text/event-stream' in r.content);

/** Every operation of the document, with what it takes. */
export function operationsOf(doc: { paths: Record<string, Record<string, Operation>> }): FuzzOperation[] {
  return Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods)
      .filter(([, op]) => !isStream(op))
      .map(([method, op]) => {
        const content = op.requestBody?.content ?? {};
        const json = content['application/json']?.schema;
        return {
          method: method.toUpperCase(),
          path,
          query: (op.parameters ?? [])
            .filter((p) => p.in === 'query')
            .map((p) => ({ name: p.name, required: Boolean(p.required), schema: p.schema })),
          ...(json ? { body: json } : {}),
          multipart: 'multipart/form-data' in content,
        };
      }),
  );
}

/** Strings the API must refuse politely: store operators, dotted keys, control characters, the very long. */
const nasty = fc.constantFrom(
  '',
  ' ',
  '$where',
  '$set',
  'a.b',
  '.',
  '..',
  '\u0000',
  'é\u202e',
  '<script>',
  '%',
  '{}',
  'x'.repeat(20_000),
  '9'.repeat(40),
);
const hostile: fc.Arbitrary<unknown> = fc.oneof(
  nasty,
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom(null, -1, 0, 1e308, -1e308, 0.5, true, [], {}),
);

const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);

function stringOf(schema: Schema): fc.Arbitrary<string> {
  const min = num(schema.minLength) ?? 0;
  const max = Math.max(min, Math.min(num(schema.maxLength) ?? 40, 60));
  if (schema.format === 'email')
    return fc.oneof(
      fc.emailAddress(),
      fc.constantFrom('bob@example.com', 'support@helpdesk.local', 'carol@customer.example'),
      fc.constantFrom('vendor@example.com'),
    );
  if (schema.format === 'date-time') {
    return fc
      .date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true })
      .map((d) => d.toISOString());
  }
  const plain = fc.oneof(
    fc.string({ minLength: min, maxLength: max }),
    fc.string({ minLength: min, maxLength: max, unit: 'grapheme' }),
  );
  if (typeof schema.pattern === 'string') {
    try {
      const matching = fc
        .stringMatching(new RegExp(schema.pattern))
        .filter((s) => s.length >= min && s.length <= (num(schema.maxLength) ?? Infinity));
      return fc.oneof({ weight: 4, arbitrary: matching }, { weight: 1, arbitrary: plain });
    } catch {
      return plain; // a pattern fast-check cannot generate from (lookaheads): plain strings
    }
  }
  return plain;
}

function numberOf(schema: Schema, integer: boolean): fc.Arbitrary<number> {
  const exclusive = num(schema.exclusiveMinimum);
  const min = num(schema.minimum) ?? (exclusive !== undefined ? exclusive + (integer ? 1 : 1e-6) : -1e6);
  const max = num(schema.maximum) ?? 1e6;
  return integer
    ? fc.integer({ min: Math.ceil(min), max: Math.floor(max) })
    : fc.double({ min, max, noNaN: true, noDefaultInfinity: true });
}

/** A value of the schema (valid, as far as the document says), built node by node. */
function validOf(schema: Schema, depth: number, mutate: boolean): fc.Arbitrary<unknown> {
  if ('const' in schema) return fc.constant(schema.const);
  if (Array.isArray(schema.enum)) return fc.constantFrom(...(schema.enum as unknown[]));
  const union = (schema.anyOf ?? schema.oneOf) as Schema[] | undefined;
  if (union) return fc.oneof(...union.map((s) => valueOf(s, depth, mutate)));
  const type = Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type as string | undefined];
  if (type.length > 1) return fc.oneof(...type.map((t) => validOf({ ...schema, type: t }, depth, mutate)));
  switch (type[0]) {
    case 'string':
      return stringOf(schema);
    case 'integer':
      return numberOf(schema, true);
    case 'number':
      return numberOf(schema, false);
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array': {
      const minLength = num(schema.minItems) ?? 0;
      const maxLength = Math.max(minLength, Math.min(num(schema.maxItems) ?? 4, 4));
      return fc.array(valueOf((schema.items ?? {}) as Schema, depth + 1, mutate), { minLength, maxLength });
    }
    case 'object':
      return objectOf(schema, depth, mutate);
    default:
      return fc.jsonValue({ maxDepth: 1 });
  }
}

/** Values the server knows (brands, ids): a field by that name takes one of them most of the time. */
let known: Record<string, unknown[]> = {};

function objectOf(schema: Schema, depth: number, mutate: boolean): fc.Arbitrary<unknown> {
  const properties = (schema.properties ?? {}) as Record<string, Schema>;
  const required = new Set((schema.required ?? []) as string[]);
  const field = (name: string, s: Schema) => {
    const values = known[name];
    const any = valueOf(s, depth + 1, mutate);
    return values?.length
      ? fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...values) }, { weight: 1, arbitrary: any })
      : any;
  };
  const fixed = fc.record(Object.fromEntries(Object.entries(properties).map(([k, s]) => [k, field(k, s)])), {
    requiredKeys: [...required],
  });
  const extra = schema.additionalProperties;
  const open =
    typeof extra === 'object' && extra !== null
      ? fc.dictionary(
          mutate
            ? fc.oneof(stringOf({ minLength: 1, maxLength: 20, ...((schema.propertyNames ?? {}) as Schema) }), nasty)
            : stringOf({ minLength: 1, maxLength: 20, ...((schema.propertyNames ?? {}) as Schema) }),
          valueOf(extra as Schema, depth + 1, mutate),
          { maxKeys: 3 },
        )
      : fc.constant({});
  // Now and then a field the document does not know: strict schemas must refuse it.
  const unknown = mutate
    ? fc.option(fc.dictionary(fc.constantFrom('surprise', '$where', 'a.b'), hostile, { minKeys: 1, maxKeys: 1 }), {
        freq: 10,
        nil: {},
      })
    : fc.constant({});
  return fc.tuple(fixed, open, unknown).map(([a, b, c]) => ({ ...b, ...a, ...c }));
}

/** Valid; or, mutating, mostly valid and sometimes hostile at every level. */
function valueOf(schema: Schema, depth: number, mutate: boolean): fc.Arbitrary<unknown> {
  if (depth > 4) return mutate ? hostile : fc.constant(undefined);
  return mutate
    ? fc.oneof({ weight: 12, arbitrary: validOf(schema, depth, true) }, { weight: 1, arbitrary: hostile })
    : validOf(schema, depth, false);
}

/** Three in four as the document says, the rest mutated: both the happy and the refusing paths. */
const inputOf = (schema: Schema) =>
  fc.oneof({ weight: 3, arbitrary: valueOf(schema, 0, false) }, { weight: 1, arbitrary: valueOf(schema, 0, true) });

// Within what HTTP servers take in a request line (Node answers 431 past 16 KiB of headers).
const queryValue = (schema: Schema): fc.Arbitrary<string> =>
  inputOf(schema).map((v) =>
    (typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : JSON.stringify(v)).slice(
      0,
      1000,
    ),
  );

/**
 * Requests for one operation. `ids` are real ids for path parameters (tickets, attachments,
 * people); a random one now and then must be a clean 404 or 400.
 */
export function requestsFor(
  op: FuzzOperation,
  ids: string[],
  knownValues: Record<string, unknown[]> = {},
): fc.Arbitrary<FuzzRequest> {
  known = knownValues;
  const segment = fc
    .oneof(
      { weight: 6, arbitrary: fc.constantFrom(...ids) },
      { weight: 1, arbitrary: fc.string({ minLength: 1, maxLength: 30 }) },
    )
    .filter((s) => s !== '.' && s !== '..');
  const params = [...op.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? '');
  const path = fc
    .tuple(...params.map(() => segment))
    .map((values) => values.reduce((p, v, i) => p.replace(`{${params[i]}}`, encodeURIComponent(v)), op.path));
  const query = fc
    .tuple(
      ...op.query.map((q) =>
        q.required ? queryValue(q.schema) : fc.option(queryValue(q.schema), { freq: 2, nil: undefined }),
      ),
    )
    .map((values) => {
      const search = new URLSearchParams();
      values.forEach((v, i) => v !== undefined && search.set(op.query[i]?.name ?? '', v));
      return search.toString();
    });
  const body = op.body ? fc.option(inputOf(op.body), { freq: 20, nil: undefined }) : fc.constant(undefined);
  const role = fc.constantFrom<FuzzRequest['role']>('admin', 'agent', 'agent', 'requester', 'service', 'none');
  const key = op.method === 'POST' ? fc.option(fc.uuid(), { freq: 3, nil: undefined }) : fc.constant(undefined);
  return fc.record({ path, query, body, role, key }).map(({ path: p, query: q, body: b, role: r, key: k }) => ({
    method: op.method,
    path: q ? `${p}?${q}` : p,
    ...(b !== undefined || (op.body && !op.multipart) ? { body: b ?? {} } : {}),
    role: r,
    ...(k ? { idempotencyKey: k } : {}),
  }));
}

// The store's mongoose models stay inside packages/persistence: services and the other packages go
// through the store's repositories (store.inboundMail, store.outbox, store.idempotency,
// store.readModel) and its methods, so every query lives in one package and can be checked
// against the stores we run on. Tests and the benchmark may use Store.modelsForTestsOnly.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '..', '..');
const SKIP = new Set(['node_modules', 'dist', 'test']);

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return SKIP.has(e.name) ? [] : sources(full);
    return /\.(ts|js|mjs|cjs)$/.test(e.name) && !e.name.endsWith('.d.ts') ? [full] : [];
  });
}

/** `x.models`, `x.models.Ticket`, `{ A } = store.models`, and the test-only escape hatch. */
const MODEL_ACCESS = /\.models\b|\bmodelsForTestsOnly\b|\bregisterModels\b/;

describe('models stay inside packages/persistence', () => {
  const roots = [
    ...fs.readdirSync(path.join(ROOT, 'services')).map((d) => path.join(ROOT, 'services', d)),
    ...fs
      .readdirSync(path.join(ROOT, 'packages'))
      .filter((d) => d !== 'persistence')
      .map((d) => path.join(ROOT, 'packages', d)),
  ].filter((d) => fs.statSync(d).isDirectory());

  it('no service or other package touches a model', () => {
    const offending = roots.flatMap(sources).flatMap((file) =>
      fs
        .readFileSync(file, 'utf8')
        .split('\n')
        .flatMap((line, i) =>
          MODEL_ACCESS.test(line) ? [`${path.relative(ROOT, file)}:${i + 1}: ${line.trim()}`] : [],
        ),
    );
    expect(offending).toEqual([]);
  });

  it('the check sees what it looks for', () => {
    for (const line of [
      'store.models.Ticket.find({})',
      'const { InboundMail } = this.store.models;',
      'Store.modelsForTestsOnly(store)',
    ]) {
      expect(MODEL_ACCESS.test(line)).toBe(true);
    }
    expect(MODEL_ACCESS.test('store.inboundMail.claim(id)')).toBe(false);
  });

  it('the package does not export its models', () => {
    const index = fs.readFileSync(path.join(ROOT, 'packages', 'persistence', 'src', 'index.ts'), 'utf8');
    expect(index).not.toMatch(/\bregisterModels\b/);
    expect(index).not.toMatch(/export \{[^}]*\b(listTickets|lifecycleReport|backfillSearchWords|primeListAnchors)\b/);
  });
});

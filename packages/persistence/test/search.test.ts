// The search words: what the projection stores and what a query looks up must agree.
import { describe, expect, it } from 'vitest';
import type { TicketEvent } from '@helpdesk/contracts';
import {
  MAX_KEYWORDS,
  keywordsOf,
  looksLikeReference,
  normalizeText,
  referenceKeyword,
  searchFields,
  searchFieldsUpdate,
} from '../src/search';
import { drivingWord, searchRank } from '../src/queries';

const event = (seq: number, data: Record<string, unknown>): TicketEvent => ({
  ticketId: 't1',
  seq,
  type: 'replied',
  at: seq,
  actor: { id: 'alice', role: 'agent' },
  channel: 'web',
  data,
});

describe('keywordsOf', () => {
  it('lower-cases, strips diacritics and splits on anything but letters and digits', () => {
    expect(keywordsOf('Élève: mon IMPRIMANTE ne répond plus!')).toEqual([
      'eleve',
      'mon',
      'imprimante',
      'ne',
      'repond',
      'plus',
    ]);
    expect(keywordsOf('La contraseña ha caducado; ¿qué hago?')).toEqual([
      'la',
      'contrasena',
      'ha',
      'caducado',
      'que',
      'hago',
    ]);
    expect(keywordsOf('cœur Straße')).toEqual(['coeur', 'strasse']);
  });

  it('drops one-character words, keeps digits, dedupes in order of first appearance', () => {
    expect(keywordsOf('a b printer 42 x Printer PRINTER 42')).toEqual(['printer', '42']);
    expect(keywordsOf('TK-202611-00042')).toEqual(['tk', '202611', '00042']);
  });

  it('finds no word in punctuation: a regex typed as a query is just text', () => {
    expect(keywordsOf('.*')).toEqual([]);
    expect(keywordsOf('   ')).toEqual([]);
  });

  it('caps the count and skips absurdly long tokens', () => {
    const many = Array.from({ length: MAX_KEYWORDS + 50 }, (_, i) => `w${i}`).join(' ');
    expect(keywordsOf(many)).toHaveLength(MAX_KEYWORDS);
    expect(keywordsOf('ok ' + 'x'.repeat(200))).toEqual(['ok']);
    expect(keywordsOf('one two three', 2)).toEqual(['one', 'two']);
  });

  it('normalises the same way for the stored text and the query', () => {
    expect(normalizeText('Ça MARCHE')).toBe('ca marche');
    expect(keywordsOf('ÇA marche')).toEqual(keywordsOf('ca MARCHÉ'));
  });
});

describe('references', () => {
  it('a reference is also one whole word, and a reference-like query is recognised', () => {
    expect(referenceKeyword(' TK-202611-00042 ')).toBe('tk-202611-00042');
    expect(looksLikeReference('TK-202611-00042')).toBe(true);
    expect(looksLikeReference('260105/007')).toBe(true);
    expect(looksLikeReference('printer')).toBe(false);
    expect(looksLikeReference('two words')).toBe(false);
    expect(looksLikeReference('.*')).toBe(false);
  });
});

describe('searchFields', () => {
  const state = { reference: 'TK-202611-00042', title: 'Imprimante en panne', description: 'Le bac papier fume' };

  it('public words: reference, title, description and public messages; all words: private ones too', () => {
    const f = searchFields(state, [
      event(2, { body: 'Avez-vous essayé de la redémarrer ?', visibility: 'public' }),
      event(3, { body: 'Customer sounds angry', visibility: 'private_note' }),
      event(4, { body: 'Forwarded to the vendor', visibility: 'private_message', recipients: ['v@x.com'] }),
      event(5, { body: 'Merci, ça marche', from: 'a@b.c', visibility: 'public' }),
      event(6, { by: 'customer_reply' }),
    ]);
    for (const w of [
      'tk-202611-00042',
      'tk',
      '202611',
      '00042',
      'imprimante',
      'panne',
      'fume',
      'redemarrer',
      'merci',
      'marche',
    ]) {
      expect(f.kwPublic).toContain(w);
      expect(f.kwAll).toContain(w);
    }
    for (const w of ['angry', 'vendor']) {
      expect(f.kwPublic).not.toContain(w);
      expect(f.kwAll).toContain(w);
    }
    expect(new Set(f.kwAll).size).toBe(f.kwAll.length);
  });

  it('is an $addToSet of both fields, so a replayed projection adds nothing twice', () => {
    const u = searchFieldsUpdate(state, []);
    expect(Object.keys(u)).toEqual(['$addToSet']);
    expect(u.$addToSet.kwPublic.$each).toEqual(searchFields(state, []).kwPublic);
    expect(u.$addToSet.kwAll.$each).toContain('imprimante');
  });
});

describe('search ranking', () => {
  const doc = { reference: 'TK-202611-00042', title: 'Printer on fire', description: 'Smoke from the paper tray' };

  it('the reference itself, then title words, then description words, then message words', () => {
    expect(searchRank(doc, 'tk-202611-00042', keywordsOf('tk-202611-00042'))).toBe(0);
    expect(searchRank(doc, 'printer FIRE', ['printer', 'fire'])).toBe(1);
    expect(searchRank(doc, '00042', ['00042'])).toBe(1);
    expect(searchRank(doc, 'printer smoke', ['printer', 'smoke'])).toBe(2);
    expect(searchRank(doc, 'toner', ['toner'])).toBe(3);
  });

  it('drives the index with the longest word', () => {
    expect(drivingWord(['password', 'reset'])).toBe('password');
    expect(drivingWord(['ab', 'cd'])).toBe('ab');
    expect(drivingWord([])).toBeUndefined();
  });
});

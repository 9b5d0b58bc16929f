// A year of synthetic tickets for the read-path benchmark, written straight into the read model in
// batches. Fields vary independently (no two filters derive from the same counter), old tickets are
// mostly closed as in a real helpdesk, and each ticket carries message text for the search.
const { randomUUID } = require('node:crypto');
const { Store, storedTicket } = require('@helpdesk/persistence');

const YEAR = 365 * 24 * 3_600_000;
const WORDS = [
  'printer',
  'vpn',
  'laptop',
  'password',
  'invoice',
  'email',
  'badge',
  'monitor',
  'imprimante',
  'contraseña',
];
const MESSAGES = [
  'The toner cartridge is empty again',
  'Mon imprimante affiche une erreur de bourrage',
  'La contraseña ha caducado y no puedo entrar',
  'Please reset my password reset link expired',
  'The VPN client disconnects every ten minutes',
  'Invoice 4411 shows the wrong amount',
];
const TYPES = ['question', 'incident', 'problem', 'task'];
const SEVERITIES = ['low', 'normal', 'high', 'critical'];
const CHANNELS = ['web', 'email', 'phone', 'api'];

/** A small deterministic generator, so runs are comparable. */
function rng(seed) {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

async function seedTickets(store, count, batch = 1000) {
  const started = Date.now();
  const now = Date.now();
  const rand = rng(42);
  const pick = (xs) => xs[Math.floor(rand() * xs.length)];
  let followUpOf;
  let sampleReference;
  for (let offset = 0; offset < count; offset += batch) {
    const docs = [];
    for (let i = offset; i < Math.min(count, offset + batch); i++) {
      const createdAt = now - YEAR + Math.floor((i / count) * YEAR);
      const age = now - createdAt;
      // Old tickets are closed; recent ones spread over every status.
      const status =
        age > 30 * 24 * 3_600_000 && rand() < 0.95
          ? 'closed'
          : pick(['new', 'in_progress', 'waiting', 'resolved', 'closed']);
      // Within a week of creation and never in the future, without piling up on one instant.
      const updatedAt = createdAt + Math.floor(rand() * Math.min(7 * 24 * 3_600_000, now - createdAt));
      const id = randomUUID();
      const reference = `BENCH-${String(i).padStart(7, '0')}`;
      if (i === Math.floor(count / 2)) sampleReference = reference;
      const submittedAt = createdAt;
      const replied = status !== 'new' && rand() < 0.9;
      const state = {
        id,
        reference,
        status,
        channel: pick(CHANNELS),
        ...(status === 'new' && rand() < 0.7 ? {} : { assignee: `agent-${Math.floor(rand() * 10)}` }),
        title: `${pick(WORDS)} issue ${i}`,
        description: `Reported through the benchmark, case ${i}`,
        type: pick(TYPES),
        severity: pick(SEVERITIES),
        group: `group-${Math.floor(rand() * 5)}`,
        company: `company-${Math.floor(rand() * 50)}`,
        requester: { id: `requester-${Math.floor(rand() * 1000)}` },
        tags: [`tag-${Math.floor(rand() * 20)}`],
        ccs: [],
        notifyThirdParty: false,
        read: true,
        awaiting: 'agent',
        attention: rand() < 0.05,
        deleted: rand() < 0.01,
        links: { followUps: [], children: [], ...(followUpOf && rand() < 0.001 ? { followUpOf } : {}) },
        breaches:
          rand() < 0.03
            ? [{ kind: 'response', dueAt: submittedAt + 8 * 3_600_000, at: submittedAt + 8 * 3_600_000 }]
            : [],
        createdAt,
        createdBy: 'bench',
        submittedAt,
        updatedAt,
        lastActionAt: updatedAt,
        ...(replied ? { firstPublicReplyAt: submittedAt + Math.floor(rand() * 24 * 3_600_000) } : {}),
        ...(status === 'resolved' || status === 'closed'
          ? { resolution: { method: 'customer_communication', at: updatedAt, by: 'bench' } }
          : {}),
        reopenCount: rand() < 0.05 ? 1 : 0,
        revision: 1,
        eventSeq: 1,
      };
      if (i === 10) followUpOf = id;
      const events = [
        {
          ticketId: id,
          seq: 1,
          type: 'replied',
          at: updatedAt,
          actor: { id: 'bench', role: 'agent' },
          channel: 'web',
          data: { body: pick(MESSAGES), visibility: 'public' },
        },
      ];
      docs.push(storedTicket(state, events));
    }
    // Seeded straight into the collection (the benchmark's escape hatch: Store.modelsForTestsOnly).
    await Store.modelsForTestsOnly(store).Ticket.collection.insertMany(docs, { ordered: false });
  }
  return { ms: Date.now() - started, followUpOf, sampleReference };
}

module.exports = { seedTickets };

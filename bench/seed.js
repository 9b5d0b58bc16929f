// Synthetic read-model tickets for the list benchmark, written straight into the store in batches.
const { randomUUID } = require('node:crypto');

const STATUSES = ['new', 'in_progress', 'waiting', 'resolved', 'closed'];
const WORDS = ['printer', 'vpn', 'laptop', 'password', 'invoice', 'email', 'badge', 'monitor'];

async function seedTickets(store, count, batch = 1000) {
  const started = Date.now();
  const base = Date.now() - count * 1000;
  for (let offset = 0; offset < count; offset += batch) {
    const docs = [];
    for (let i = offset; i < Math.min(count, offset + batch); i++) {
      const at = base + i * 1000;
      docs.push({
        _id: randomUUID(),
        reference: `BENCH-${String(i).padStart(7, '0')}-${randomUUID().slice(0, 4)}`,
        status: STATUSES[i % STATUSES.length],
        channel: 'web',
        assignee: i % 3 === 0 ? undefined : `agent-${i % 10}`,
        title: `${WORDS[i % WORDS.length]} issue ${i}`,
        group: `group-${i % 5}`,
        requester: { id: `requester-${i % 1000}` },
        tags: [`tag-${i % 20}`],
        ccs: [],
        notifyThirdParty: false,
        read: true,
        awaiting: 'agent',
        attention: i % 7 === 0,
        deleted: false,
        links: { followUps: [], children: [] },
        breaches: [],
        createdAt: at,
        createdBy: 'bench',
        updatedAt: at + (i % 13) * 1000,
        lastActionAt: at,
        reopenCount: 0,
        revision: 1,
        eventSeq: 1,
      });
    }
    await store.models.Ticket.collection.insertMany(docs, { ordered: false });
  }
  return { ms: Date.now() - started };
}

module.exports = { seedTickets };

// Measuring helpers shared by the benchmarks: run N tasks at a fixed concurrency, time each.

/** Run `task(i)` for i < n with at most `concurrency` in flight; returns per-task ms and wall time. */
async function measure(n, concurrency, task) {
  const latencies = new Array(n);
  let next = 0;
  let failures = 0;
  const started = process.hrtime.bigint();
  const lane = async () => {
    while (next < n) {
      const i = next++;
      const t0 = process.hrtime.bigint();
      try {
        await task(i);
      } catch (err) {
        failures++;
        if (failures <= 3) console.error(`task ${i} failed:`, err instanceof Error ? err.message : err);
      }
      latencies[i] = Number(process.hrtime.bigint() - t0) / 1e6;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  return summarize(latencies, wallMs, failures);
}

/** The p-th percentile of an ascending array (nearest rank). */
function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  const idx = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, idx)];
}

function summarize(latencies, wallMs, failures) {
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    count: latencies.length,
    failures,
    wallMs: round(wallMs),
    throughputPerSec: round((latencies.length / wallMs) * 1000),
    p50: round(percentile(sorted, 50)),
    p95: round(percentile(sorted, 95)),
    p99: round(percentile(sorted, 99)),
  };
}

const round = (x) => Math.round(x * 100) / 100;

function printTable(rows) {
  const cols = ['name', 'count', 'failures', 'throughputPerSec', 'p50', 'p95', 'p99'];
  const widths = cols.map((c) => Math.max(c.length, ...rows.map((r) => String(r[c]).length)));
  const line = (vals) => vals.map((v, i) => String(v).padEnd(widths[i])).join('  ');
  console.log(line(cols));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(cols.map((c) => r[c])));
}

module.exports = { measure, percentile, printTable, round };

// Measuring helpers shared by the benchmarks: run N tasks at a fixed concurrency, time each.
const fs = require('node:fs');

/** Resident memory of a process in MB, from /proc (Linux); NaN once it is gone. */
function procRssMb(pid) {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

/** CPU time a process has used so far, in ms (utime + stime from /proc, 100 ticks a second). */
function cpuMs(pid) {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return NaN;
  }
}

/** Run `task(i)` for i < n with at most `concurrency` in flight; returns per-task ms and wall time. */
async function measure(n, concurrency, task) {
  return measureEach(n, concurrency, (i, timed) => timed(() => task(i)));
}

/**
 * As measure, but each call a task makes through `timed(fn)` is one sample (a task of two requests
 * one after the other gives two samples, each the latency of one request).
 */
async function measureEach(n, concurrency, task) {
  const latencies = [];
  let next = 0;
  let failures = 0;
  const timed = async (fn) => {
    const t0 = process.hrtime.bigint();
    try {
      return await fn();
    } finally {
      latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
  };
  const started = process.hrtime.bigint();
  const lane = async () => {
    while (next < n) {
      const i = next++;
      try {
        await task(i, timed);
      } catch (err) {
        failures++;
        if (failures <= 3) console.error(`task ${i} failed:`, err instanceof Error ? err.message : err);
      }
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

/** CPU time of a process and all its descendants (PostgreSQL's backends are the postmaster's children). */
function treeCpuMs(pid) {
  if (!pid) return NaN;
  const children = new Map();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const ppid = Number(fs.readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1].split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // gone meanwhile
    }
  }
  let total = 0;
  const visit = (p) => {
    total += cpuMs(p) || 0;
    for (const c of children.get(p) ?? []) visit(c);
  };
  visit(pid);
  return total;
}

/**
 * A JSON client of the gateway for the benches: `http(method, url, body?, token?)` answers the parsed
 * body and throws on any status of 300 or more (a bench counts only what succeeded).
 */
function gatewayClient(gateway, defaultToken) {
  return (method, url, body, auth = defaultToken) =>
    fetch(`${gateway}${url}`, {
      method,
      headers: { authorization: `Bearer ${auth}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    }).then(async (res) => {
      const text = await res.text();
      if (res.status >= 300) throw new Error(`${method} ${url} → ${res.status}: ${text.slice(0, 200)}`);
      return text ? JSON.parse(text) : undefined;
    });
}

module.exports = { cpuMs, gatewayClient, measure, measureEach, percentile, printTable, procRssMb, round, treeCpuMs };

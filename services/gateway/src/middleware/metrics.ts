// Prometheus metrics: requests by route and status, their latency, and ticket commands by outcome.
import client from 'prom-client';
import type { RequestHandler } from 'express';

export class Metrics {
  readonly registry = new client.Registry();
  readonly requests = new client.Counter({
    name: 'http_requests_total',
    help: 'HTTP requests by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });
  readonly latency = new client.Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });
  readonly commands = new client.Counter({
    name: 'ticket_commands_total',
    help: 'Ticket commands by command and outcome (accepted, refused code)',
    labelNames: ['command', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly liveStreams = new client.Gauge({
    name: 'live_streams_open',
    help: 'Event streams (GET /v1/live) open on this process',
    registers: [this.registry],
  });
  readonly livePolling = new client.Gauge({
    name: 'live_poller_running',
    help: '1 while the live feed polls the store (at least one stream open), else 0',
    registers: [this.registry],
  });

  constructor() {
    client.collectDefaultMetrics({ register: this.registry });
  }

  middleware(): RequestHandler {
    return (req, res, next) => {
      const end = this.latency.startTimer();
      res.on('finish', () => {
        // The matched route pattern, not the raw URL, so ids do not explode the label set.
        const route = req.route ? `${req.baseUrl}${String(req.route.path)}` : 'unmatched';
        const labels = { method: req.method, route, status: String(res.statusCode) };
        this.requests.inc(labels);
        end(labels);
      });
      next();
    };
  }
}

// A part of the stack (Temporal, the store, the mail sink, a service) as one restartable unit. A
// supervised one is started again when it dies on its own, with exponential backoff and a log
// line each time, as systemd or Kubernetes would; stop() means down for good.
import type { ManagedProcess } from './processes';

export interface Backoff {
  initialMs: number;
  maxMs: number;
  /** Up this long, the next crash starts again from initialMs. */
  resetAfterMs: number;
}

export const DEFAULT_BACKOFF: Backoff = { initialMs: 500, maxMs: 30_000, resetAfterMs: 60_000 };

export interface ComponentOptions {
  name: string;
  start: () => Promise<ManagedProcess>;
  supervise: boolean;
  log: (m: string) => void;
  /** Told of every process started: the first and each restart. */
  onStart?: (proc: ManagedProcess) => void;
  backoff?: Backoff;
}

export class Component {
  private proc: ManagedProcess | undefined;
  private startedAt = 0;
  /** Down on purpose (stop()): an exit then is not a crash. */
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  private launching: Promise<void> | undefined;
  private readonly backoff: Backoff;
  private delay: number;
  restarts = 0;

  constructor(private readonly opts: ComponentOptions) {
    this.backoff = opts.backoff ?? DEFAULT_BACKOFF;
    this.delay = this.backoff.initialMs;
  }

  get name(): string {
    return this.opts.name;
  }

  get process(): ManagedProcess | undefined {
    return this.proc;
  }

  get running(): boolean {
    const child = this.proc?.child;
    return child !== undefined && child.exitCode === null && child.signalCode === null;
  }

  /** Start it (again): at once, whatever restart was scheduled. */
  async start(): Promise<void> {
    this.stopped = false;
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.launching) return this.launching;
    if (this.running) return;
    this.launching = this.launch().finally(() => (this.launching = undefined));
    return this.launching;
  }

  /** SIGKILL, as a crash would do it; a supervised component comes back by itself. */
  async kill(): Promise<void> {
    const proc = this.proc;
    if (!proc || !this.running) return;
    proc.child.kill('SIGKILL');
    await proc.exited;
  }

  /** No more restarts from now on (the whole stack is going down; Ctrl-C reaches every child at once). */
  standDown(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  async stop(how: 'graceful' | 'kill' = 'graceful'): Promise<void> {
    this.standDown();
    await this.launching?.catch(() => undefined);
    if (how === 'kill') await this.kill();
    await this.proc?.stop();
  }

  private say(message: string): void {
    this.opts.log(`${new Date().toISOString()} [supervisor] ${message}`);
  }

  private async launch(): Promise<void> {
    const proc = await this.opts.start();
    this.proc = proc;
    this.startedAt = Date.now();
    this.opts.onStart?.(proc);
    void proc.exited.then((code) => this.onExit(proc, code));
  }

  private onExit(proc: ManagedProcess, code: number | null): void {
    if (this.stopped || proc !== this.proc || !this.opts.supervise) return;
    if (Date.now() - this.startedAt > this.backoff.resetAfterMs) this.delay = this.backoff.initialMs;
    const how = proc.child.signalCode ? `signal ${proc.child.signalCode}` : `code ${code}`;
    this.say(`${this.name} exited (${how}); restarting in ${this.delay} ms. Log: ${proc.logFile}`);
    this.scheduleRestart();
  }

  private scheduleRestart(): void {
    const wait = this.delay;
    this.delay = Math.min(this.delay * 2, this.backoff.maxMs);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.stopped) return;
      this.launching = this.launch()
        .then(
          () => {
            this.restarts++;
            this.say(`${this.name} is back (pid ${this.proc?.child.pid}, restart ${this.restarts})`);
          },
          (err: unknown) => {
            if (this.stopped) return;
            this.say(
              `${this.name} failed to start again: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}; next try in ${this.delay} ms`,
            );
            this.scheduleRestart();
          },
        )
        .finally(() => (this.launching = undefined));
    }, wait);
  }
}

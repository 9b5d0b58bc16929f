// The SMTP sink: maildev, which keeps what it receives and shows it in a web UI and a REST API
// (GET /email), so people and tests can read the mail the helpdesk sent.
import fs from 'node:fs';
import { StartupTimeoutError } from './errors';
import { assertPortFree, waitForPort } from './ports';
import { startProcess, tail } from './processes';
import type { ManagedProcess } from './processes';

export interface MailSinkOptions {
  smtpPort: number;
  webPort: number;
  mailDir: string;
  logDir: string;
}

export interface RunningMailSink {
  smtpUrl: string;
  webUrl: string;
  process: ManagedProcess;
  stop(): Promise<void>;
}

export async function startMailSink(opts: MailSinkOptions): Promise<RunningMailSink> {
  await assertPortFree(opts.smtpPort, 'the SMTP sink', 'MAIL_SMTP_PORT');
  await assertPortFree(opts.webPort, 'the mail web UI', 'MAIL_UI_PORT');
  fs.mkdirSync(opts.mailDir, { recursive: true });
  const bin = require.resolve('maildev/bin/maildev');
  const args = [bin, '--smtp', String(opts.smtpPort), '--web', String(opts.webPort), '--ip', '127.0.0.1'];
  args.push('--mail-directory', opts.mailDir, '--silent');
  const proc = startProcess('maildev', process.execPath, args, { logDir: opts.logDir });
  const ready = (await waitForPort(opts.smtpPort, 20_000)) && (await waitForPort(opts.webPort, 20_000));
  if (!ready) {
    await proc.stop();
    throw new StartupTimeoutError('maildev', 20, `Its log (${proc.logFile}) ends with:\n${tail(proc.logFile)}`);
  }
  return {
    smtpUrl: `smtp://127.0.0.1:${opts.smtpPort}`,
    webUrl: `http://127.0.0.1:${opts.webPort}`,
    process: proc,
    stop: () => proc.stop(),
  };
}

/** A received mail as maildev's REST API returns it (the fields we read). */
export interface SinkMail {
  id: string;
  subject: string;
  text?: string;
  html?: string;
  from: { address: string; name?: string }[];
  to: { address: string; name?: string }[];
  cc?: { address: string; name?: string }[];
  headers: Record<string, string>;
  messageId?: string;
}

export async function listSinkMail(webUrl: string): Promise<SinkMail[]> {
  const res = await fetch(`${webUrl}/email`);
  if (!res.ok) throw new Error(`maildev answered ${res.status}`);
  return (await res.json()) as SinkMail[];
}

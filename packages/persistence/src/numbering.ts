// Ticket references from the numbering mask (spec 003). The counter is scoped to what the mask
// renders around it, so "TK-{yyyy}{mm}-{00000}" restarts each month yet never repeats a reference.

const COUNTER = /\{(0+)\}/;
const TOKEN = /\{(yyyy|yy|mm|dd)\}/g;

export class InvalidMaskError extends Error {
  constructor(mask: string) {
    super(`Numbering mask "${mask}" needs exactly one counter such as {0000}`);
    this.name = 'InvalidMaskError';
  }
}

export function validateMask(mask: string): void {
  const counters = mask.match(/\{0+\}/g) ?? [];
  if (counters.length !== 1) throw new InvalidMaskError(mask);
  const unknown = mask
    .replace(TOKEN, '')
    .replace(COUNTER, '')
    .match(/\{[^}]*\}/);
  if (unknown) throw new InvalidMaskError(mask);
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');

function renderDates(mask: string, at: Date): string {
  return mask.replace(TOKEN, (_m, token: string) => {
    switch (token) {
      case 'yyyy':
        return String(at.getUTCFullYear());
      case 'yy':
        return pad(at.getUTCFullYear() % 100, 2);
      case 'mm':
        return pad(at.getUTCMonth() + 1, 2);
      default:
        return pad(at.getUTCDate(), 2);
    }
  });
}

/** The key of the counter a reference draws from at this date. */
export function counterScope(mask: string, at: Date): string {
  return renderDates(mask, at).replace(COUNTER, '#');
}

export function renderReference(mask: string, at: Date, counter: number): string {
  validateMask(mask);
  return renderDates(mask, at).replace(COUNTER, (_m, zeros: string) => pad(counter, zeros.length));
}

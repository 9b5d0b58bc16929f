import type { TicketStatus } from '../types';
import { t } from '../strings';

export function StatusBadge({ status }: { status: TicketStatus }) {
  return <span className={`badge badge-${status}`}>{t.statusLabel[status]}</span>;
}

// A link to an attachment: the file needs the bearer token, so a click fetches it and opens it.
import type { MouseEvent } from 'react';
import { useConsole } from '../context';

export function AttachmentLink({ id, filename }: { id: string; filename: string }) {
  const { api } = useConsole();
  const href = `${api.session.baseUrl}/v1/attachments/${encodeURIComponent(id)}`;
  async function open(e: MouseEvent) {
    e.preventDefault();
    const res = await api.session.authorizedFetch(href);
    if (!res.ok) return;
    const url = URL.createObjectURL(await res.blob());
    const a = document.createElement('a');
    a.href = url;
    a.download = filename;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }
  return (
    <a href={href} onClick={(e) => void open(e)} className="attachment-link">
      📎 {filename}
    </a>
  );
}

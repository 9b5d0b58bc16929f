// Downloads need the bearer token, so a plain link cannot fetch them: the file is fetched through
// the API and handed to the browser as a download.
import { useState } from 'react';
import { VisuallyHidden } from '@radix-ui/react-visually-hidden';
import { useApi } from '../api';
import type { Attachment } from '../types';
import { t } from '../strings';

export function AttachmentButton({ attachment }: { attachment: Attachment }) {
  const api = useApi();
  const [busy, setBusy] = useState(false);
  const [failed, setFailed] = useState(false);
  const download = async () => {
    setBusy(true);
    setFailed(false);
    try {
      const blob = await api.download(attachment.id);
      const url = URL.createObjectURL(blob);
      const a = document.createElement('a');
      a.href = url;
      a.download = attachment.filename;
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch {
      setFailed(true);
    } finally {
      setBusy(false);
    }
  };
  return (
    <span className="attachment">
      <button type="button" className="button-link" onClick={download} aria-busy={busy} disabled={busy}>
        <VisuallyHidden>{t.download(attachment.filename)}</VisuallyHidden>
        <span aria-hidden="true">{attachment.filename}</span>
      </button>{' '}
      <span className="muted">({t.size(attachment.size)})</span>
      {failed && (
        <span role="alert" className="error-text">
          {' '}
          {t.downloadFailed(attachment.filename)}
        </span>
      )}
    </span>
  );
}

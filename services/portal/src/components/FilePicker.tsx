// Choosing files to attach: a labelled native file input (keyboard and screen reader friendly as
// is) and the chosen files, each with a button that removes it.
import { useId, useRef } from 'react';
import { t } from '../strings';

interface Props {
  files: File[];
  onChange(files: File[]): void;
  label?: string;
  hint?: string;
  disabled?: boolean;
}

export function FilePicker({ files, onChange, label = t.attachmentsLabel, hint = t.attachmentsHint, disabled }: Props) {
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <p className="hint" id={`${id}-hint`}>
        {hint}
      </p>
      <input
        ref={input}
        id={id}
        type="file"
        multiple
        disabled={disabled}
        aria-describedby={`${id}-hint`}
        onChange={(e) => {
          const chosen = Array.from(e.currentTarget.files ?? []);
          onChange([...files, ...chosen]);
          e.currentTarget.value = '';
        }}
      />
      {files.length > 0 && (
        <ul className="file-list">
          {files.map((f, i) => (
            <li key={`${f.name}:${i}`}>
              <span>
                {f.name} <span className="muted">({t.size(f.size)})</span>
              </span>
              <button
                type="button"
                className="button-link"
                disabled={disabled}
                onClick={() => {
                  onChange(files.filter((_, j) => j !== i));
                  input.current?.focus();
                }}
              >
                {t.removeFile(f.name)}
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

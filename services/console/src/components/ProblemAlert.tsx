import { ApiFailure, messageOf } from '../call';

/** The API's reason for a failure (its problem `detail`), and each invalid field. */
export function ProblemAlert({ error }: { error: unknown }) {
  if (!error) return null;
  const fields = error instanceof ApiFailure ? (error.problem?.errors ?? []) : [];
  return (
    <div className="alert" role="alert">
      <p>{messageOf(error)}</p>
      {fields.length > 0 && (
        <ul>
          {fields.map((f) => (
            <li key={f.field + f.message}>
              <code>{f.field}</code> {f.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

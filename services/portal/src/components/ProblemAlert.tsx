// A refused or failed call, as the API explains it: its `detail`, and each invalid field.
import type { Problem } from '../types';
import { t } from '../strings';

export function ProblemAlert({ problem, title = t.refused }: { problem: Problem; title?: string }) {
  return (
    <div role="alert" className="alert alert-error">
      <p className="alert-title">{title}</p>
      <p>{problem.detail}</p>
      {problem.errors && problem.errors.length > 0 && (
        <ul>
          {problem.errors.map((e) => (
            <li key={`${e.field}:${e.message}`}>
              {e.field.replace(/^body\./, '')} {e.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** A problem from whatever a call threw (an ApiError's problem, else a generic one). */
export function problemOf(err: unknown): Problem {
  if (typeof err === 'object' && err !== null && 'problem' in err) {
    const problem = (err as { problem: unknown }).problem;
    if (typeof problem === 'object' && problem !== null && typeof (problem as Problem).detail === 'string')
      return problem as Problem;
  }
  return { status: 0, title: 'Error', detail: t.genericError };
}

// Each screen's heading: focused when the screen opens, so a screen reader announces where the
// reader is after a navigation and the next Tab starts from there; it names the tab too.
import { useEffect, useRef } from 'react';
import { t } from '../strings';

export function PageHeading({ children }: { children: string }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    ref.current?.focus();
  }, []);
  useEffect(() => {
    document.title = `${children} — ${t.appName}`;
  }, [children]);
  return (
    <h1 ref={ref} tabIndex={-1} className="page-heading">
      {children}
    </h1>
  );
}

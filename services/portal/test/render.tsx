import { render } from '@testing-library/react';
import type { ReactElement } from 'react';
import { ApiContext } from '../src/api';
import type { PortalApi } from '../src/api';

export function renderWith(api: PortalApi, ui: ReactElement) {
  return render(<ApiContext.Provider value={api}>{ui}</ApiContext.Provider>);
}

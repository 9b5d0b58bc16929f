import { render } from '@testing-library/react';
import { App } from '../src/App';
import type { FakeGateway } from './fake-api';

export function renderConsole(gateway: FakeGateway, hash = '#/list/new') {
  window.location.hash = hash;
  return render(<App api={gateway.api} />);
}

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { NewRequestPage } from '../src/pages/NewRequestPage';
import { fakeApi, problem } from './fake-api';
import { renderWith } from './render';

beforeEach(() => window.history.replaceState(null, '', '/requests/new'));
afterEach(cleanup);

const fill = (title: string, description: string) => {
  fireEvent.change(screen.getByLabelText('Subject'), { target: { value: title } });
  fireEvent.change(screen.getByLabelText('Describe the problem'), { target: { value: description } });
};

describe('submit a request', () => {
  it('creates the ticket, uploads each file onto it and opens the request', async () => {
    const api = fakeApi();
    renderWith(api, <NewRequestPage />);
    fill('Printer on fire', 'Smoke everywhere');
    const file = new File(['log line'], 'printer.log', { type: 'text/plain' });
    fireEvent.change(screen.getByLabelText('Attachments (optional)'), { target: { files: [file] } });
    expect(screen.getByText('printer.log')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Submit request' }));
    await waitFor(() => expect(window.location.pathname).toBe('/requests/t-1'));
    expect(api.createRequest).toHaveBeenCalledWith({ title: 'Printer on fire', description: 'Smoke everywhere' });
    expect(api.attach).toHaveBeenCalledWith('t-1', file);
  });

  it('a chosen file can be removed again', () => {
    renderWith(fakeApi(), <NewRequestPage />);
    const file = new File(['x'], 'wrong.png', { type: 'image/png' });
    fireEvent.change(screen.getByLabelText('Attachments (optional)'), { target: { files: [file] } });
    fireEvent.click(screen.getByRole('button', { name: 'Remove wrong.png' }));
    expect(screen.queryByText('wrong.png')).toBeNull();
  });

  it("shows the API's problem and the invalid fields when the request is refused", async () => {
    const api = fakeApi();
    api.createRequest.mockRejectedValueOnce(
      problem(400, 'The request is not valid', { errors: [{ field: 'body.category', message: 'is required' }] }),
    );
    renderWith(api, <NewRequestPage />);
    fill('x', 'y');
    fireEvent.click(screen.getByRole('button', { name: 'Submit request' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('The request is not valid');
    expect(alert.textContent).toContain('category is required');
    expect(window.location.pathname).toBe('/requests/new');
  });

  it('says which file could not be attached (too large) and links the request anyway', async () => {
    const api = fakeApi();
    api.attach.mockRejectedValueOnce(problem(413, 'The file is larger than 10485760 bytes'));
    renderWith(api, <NewRequestPage />);
    fill('x', 'y');
    fireEvent.change(screen.getByLabelText('Attachments (optional)'), {
      target: { files: [new File(['x'], 'huge.iso')] },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Submit request' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('huge.iso could not be attached: The file is larger than 10485760 bytes');
    expect(screen.getByRole('link', { name: 'Go to TK-202611-00001' })).toBeTruthy();
  });
});

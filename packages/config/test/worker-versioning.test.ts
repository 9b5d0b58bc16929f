// The ticket worker's deployment version (docs/upgrade-runbook.md): off unless both variables are set,
// and a value the Temporal server would refuse stops the worker at start-up instead.
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, workerDeploymentVersion } from '../src/index';

describe('WORKER_DEPLOYMENT_NAME and WORKER_BUILD_ID', () => {
  it('are off by default: the worker stays unversioned', () => {
    expect(workerDeploymentVersion(loadConfig({}))).toBeUndefined();
    expect(workerDeploymentVersion(loadConfig({ WORKER_DEPLOYMENT_NAME: '', WORKER_BUILD_ID: ' ' }))).toBeUndefined();
  });

  it('give the version when both are set', () => {
    const config = loadConfig({ WORKER_DEPLOYMENT_NAME: ' helpdesk-tickets ', WORKER_BUILD_ID: '2026.11.23-4f3c2a1' });
    expect(workerDeploymentVersion(config)).toEqual({
      deploymentName: 'helpdesk-tickets',
      buildId: '2026.11.23-4f3c2a1',
    });
  });

  it('refuse one without the other', () => {
    expect(() => loadConfig({ WORKER_BUILD_ID: 'b1' })).toThrow(
      /WORKER_DEPLOYMENT_NAME: required with WORKER_BUILD_ID/,
    );
    expect(() => loadConfig({ WORKER_DEPLOYMENT_NAME: 'helpdesk-tickets' })).toThrow(
      /WORKER_BUILD_ID: required with WORKER_DEPLOYMENT_NAME/,
    );
  });

  it('refuse what the server refuses', () => {
    expect(() => loadConfig({ WORKER_DEPLOYMENT_NAME: 'helpdesk.tickets', WORKER_BUILD_ID: 'b1' })).toThrow(
      ConfigError,
    );
    expect(() => loadConfig({ WORKER_DEPLOYMENT_NAME: 'helpdesk:tickets', WORKER_BUILD_ID: 'b1' })).toThrow(
      /WORKER_DEPLOYMENT_NAME: must not contain/,
    );
    expect(() => loadConfig({ WORKER_DEPLOYMENT_NAME: 'helpdesk', WORKER_BUILD_ID: '__unversioned__' })).toThrow(
      /WORKER_BUILD_ID: is reserved/,
    );
    expect(() => loadConfig({ WORKER_DEPLOYMENT_NAME: 'helpdesk', WORKER_BUILD_ID: 'x'.repeat(256) })).toThrow(
      /WORKER_BUILD_ID/,
    );
  });
});

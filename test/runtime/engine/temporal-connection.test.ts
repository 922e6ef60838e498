import { describe, expect, it } from 'vitest';
import { localServerOptions } from '../../../runtime/engine/temporal-connection';

describe('localServerOptions', () => {
  it('starts the dev server with its database file when given one, update-with-start enabled, and a client that refuses queries on closed runs', () => {
    const options = localServerOptions({ cliPath: '/opt/temporal', dbFilename: '/srv/support/temporal/dev-server.db' });
    expect(options.server).toMatchObject({
      executable: { type: 'existing-path', path: '/opt/temporal' },
      dbFilename: '/srv/support/temporal/dev-server.db',
      extraArgs: ['--dynamic-config-value', 'frontend.enableExecuteMultiOperation=true'],
    });
    expect(options.client).toEqual({ workflow: { queryRejectCondition: 'NOT_OPEN' } });
  });

  it('keeps the dev server in memory without a database file', () => {
    expect(localServerOptions({ cliPath: '/opt/temporal' }).server).not.toHaveProperty('dbFilename');
  });
});

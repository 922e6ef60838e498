/**
 * MongoDB's `failCommand` fail point, limited to the clients of one app name: on a real MongoDB that
 * other test files share, a point armed for every client would fail their commands too. (The
 * embedded server ignores the name; each test file or app has one of its own.)
 */
import { randomBytes } from 'node:crypto';
import { MongoClient } from 'mongodb';

export type FailPointMode = 'off' | 'alwaysOn' | { times: number };

export interface NamedFailPoint {
  appName: string;
  /** `uri` naming its clients with the app name: the commands of those clients are the ones that fail. */
  clientUri(uri: string): string;
  /** Arms the point on the server of `uri` (or turns it off); false when that MongoDB has no test commands (enableTestCommands). */
  set(uri: string, mode: FailPointMode): Promise<boolean>;
}

/** A fail point making `commands` fail with `errorCode`, under an app name no other test uses. */
export function namedFailPoint(label: string, failure: { commands: string[]; errorCode: number }): NamedFailPoint {
  const appName = `${label}-${randomBytes(4).toString('hex')}`;
  return {
    appName,
    clientUri: (uri) => `${uri}${uri.includes('?') ? '&' : '?'}appName=${appName}`,
    async set(uri, mode) {
      const client = await MongoClient.connect(uri);
      try {
        await client.db('admin').command({ configureFailPoint: 'failCommand', mode, data: { failCommands: failure.commands, errorCode: failure.errorCode, appName } });
        return true;
      } catch (error) {
        if ((error as { codeName?: string }).codeName === 'CommandNotFound') return false;
        throw error;
      } finally {
        await client.close();
      }
    },
  };
}

/** Shared set-up for the store's contract tests. */
import { afterAll, beforeAll } from 'vitest';
import { openStore, type Store } from '../../../activities/store';
import { newId } from '../../../activities/store/ids';
import { freshDbName, testMongo, type TestMongo, type TestMongoOptions } from '../../support/mongo';

export * from './builders';

/** Opens a store on a fresh database for the test file; `get()` returns it inside tests. */
export function useStore(label: string, options: TestMongoOptions = {}): { get(): Store; mongo(): TestMongo; dbName: string } {
  const dbName = freshDbName(label);
  let mongo: TestMongo | undefined;
  let store: Store | undefined;
  beforeAll(async () => {
    mongo = await testMongo(options);
    store = await openStore({ uri: mongo.uri, dbName });
  });
  afterAll(async () => {
    await store?.close();
    await mongo?.close();
  });
  return { get: () => store!, mongo: () => mongo!, dbName };
}

/** A new conversation in a fresh website (unless given), returning its id. */
export async function newConversation(store: Store, input: { websiteId?: string; visitorId?: string } = {}): Promise<string> {
  const { conversation } = await store.createConversation({ websiteId: input.websiteId ?? newId('web'), visitorId: input.visitorId ?? newId('vis') });
  return conversation.id;
}

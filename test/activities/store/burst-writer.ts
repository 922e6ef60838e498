/**
 * Child process for the durability test: starts the embedded server on the given data directory,
 * then appends items from 10 concurrent writers as fast as it can, printing `ack <id> <seq>` for
 * each acknowledged append, until it is killed.
 */
import { openStore } from '../../../activities/store';
import { startEmbeddedMongo } from '../../../runtime/mongo';
import { message } from './builders';

const dataDir = process.argv[2];
if (!dataDir) throw new Error('usage: burst-writer <dataDir>');
const server = await startEmbeddedMongo({ dataDir });
const store = await openStore({ uri: server.uri, dbName: 'durability' });
const { conversation } = await store.createConversation({ websiteId: 'web_burst', visitorId: 'vis_burst' });
process.stdout.write(`conversation ${conversation.id}\n`);
await Promise.all(
  Array.from({ length: 10 }, async () => {
    for (;;) {
      const { item } = await store.appendItem(message(conversation.id));
      process.stdout.write(`ack ${item.id} ${item.seq}\n`);
    }
  }),
);

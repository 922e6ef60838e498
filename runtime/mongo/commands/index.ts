// Command dispatch: finds the handler, resolves the transaction, turns errors into MongoDB replies.
import type { Document } from 'bson';
import { MingoError } from 'mingo/util';
import { fromMingoError, MongoCommandError } from '../errors';
import { aggregateCommands } from './aggregate';
import { bulkWriteCommands } from './bulk-write';
import { catalogCommands } from './catalog';
import type { CommandContext, CommandHandler } from './context';
import { failPointCommands } from './fail-points';
import { handshakeCommands } from './handshake';
import { indexCommands } from './indexes';
import { queryCommands } from './queries';
import { sessionCommands } from './sessions';
import { writeCommands } from './writes';

const HANDLERS = new Map<string, CommandHandler>(
  Object.entries({
    ...handshakeCommands,
    ...queryCommands,
    ...writeCommands,
    ...bulkWriteCommands,
    ...aggregateCommands,
    ...indexCommands,
    ...catalogCommands,
    ...sessionCommands,
    ...failPointCommands,
  }),
);

function errorReply(error: unknown): Document {
  const failure =
    error instanceof MongoCommandError ? error
    : error instanceof MingoError ? fromMingoError(error)
    : new MongoCommandError('InternalError', error instanceof Error ? error.message : String(error));
  return { ok: 0, errmsg: failure.message, code: failure.code, codeName: failure.codeName, ...failure.extra };
}

/** Runs one command and returns its reply (never throws), stamped with cluster time. */
export async function runCommand(ctx: Omit<CommandContext, 'txn'>): Promise<Document> {
  let reply: Document;
  try {
    const name = Object.keys(ctx.command)[0] ?? '';
    const handler = HANDLERS.get(name);
    if (!handler) throw new MongoCommandError('CommandNotFound', `no such command: '${name}'`);
    reply = ctx.engine.failPoints.failureFor(name) ?? (await handler({ ...ctx, txn: ctx.engine.transactions.forCommand(ctx.command) }));
  } catch (error) {
    reply = errorReply(error);
  }
  const clusterTime = ctx.engine.clock.gossip();
  return { ...reply, $clusterTime: clusterTime, operationTime: clusterTime.clusterTime };
}

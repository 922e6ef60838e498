// Sessions and transactions: commitTransaction, abortTransaction, endSessions.
import type { Document } from 'bson';
import { MongoCommandError } from '../errors';
import { sessionKeyOf } from '../transactions';
import type { CommandContext, CommandHandler } from './context';

function requireTransaction(ctx: CommandContext) {
  if (!ctx.txn) throw new MongoCommandError('InvalidOptions', `${Object.keys(ctx.command)[0]} must be run within a transaction`);
  return ctx.txn;
}

async function commitTransaction(ctx: CommandContext): Promise<Document> {
  await ctx.engine.commitTransaction(requireTransaction(ctx));
  return { ok: 1 };
}

const abortTransaction: CommandHandler = (ctx) => {
  const txn = requireTransaction(ctx);
  if (txn.state === 'committed') throw new MongoCommandError('TransactionCommitted', 'Transaction has been committed.');
  ctx.engine.transactions.abort(txn);
  return { ok: 1 };
};

const endSessions: CommandHandler = (ctx) => {
  for (const lsid of (ctx.command.endSessions as unknown[]) ?? []) {
    const key = sessionKeyOf(lsid);
    if (!key) continue;
    ctx.engine.transactions.endSession(key);
    ctx.engine.retryableWrites.endSession(key);
  }
  return { ok: 1 };
};

export const sessionCommands: Record<string, CommandHandler> = {
  commitTransaction,
  abortTransaction,
  endSessions,
  refreshSessions: () => ({ ok: 1 }),
};

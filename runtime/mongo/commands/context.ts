// What every command handler receives.
import type { Document, Long, ObjectId } from 'bson';
import type { CursorRegistry } from '../cursors';
import type { Engine } from '../engine';
import type { Transaction } from '../transactions';

export interface ServerIdentity {
  /** The address clients reach this server at: its socket path */
  host: string;
  topologyVersion: { processId: ObjectId; counter: Long };
  startedAt: Date;
}

export interface CommandContext {
  engine: Engine;
  cursors: CursorRegistry;
  server: ServerIdentity;
  connectionId: number;
  /** Aborted when the connection or the server closes: long waits must stop. */
  signal: AbortSignal;
  db: string;
  command: Document;
  txn?: Transaction;
}

export type CommandHandler = (ctx: CommandContext) => Document | Promise<Document>;

/** The collection name a command targets (its first field's value). */
export function targetCollection(ctx: CommandContext): string {
  const name = Object.values(ctx.command)[0];
  return typeof name === 'string' ? name : '';
}

// aggregate: mingo pipelines over a collection (an initial $match uses the indexes), and change streams.
import type { Document, Timestamp } from 'bson';
import { ProcessingMode } from 'mingo/core';
import { ChangeStreamReader, type ChangeScope, type FullDocumentMode } from '../change-streams';
import { cursorReply, DEFAULT_FIRST_BATCH, type ChangeStreamCursor } from '../cursors';
import { fromMingoError, MongoCommandError } from '../errors';
import { deepCopy } from '../deep-copy';
import { Aggregator } from '../mingo-context';
import { MINGO_OPTIONS } from '../mingo-extensions';
import type { CommandContext, CommandHandler } from './context';
import { firstBatchReply } from './queries';

/** Stages that never modify their input documents, so stored documents need no defensive copy. */
const READ_ONLY_STAGES = new Set(['$match', '$sort', '$skip', '$limit', '$count', '$group', '$project']);
const UNSUPPORTED_STAGES = new Set(['$out', '$merge', '$changeStream']);

function stageName(stage: Document): string {
  return Object.keys(stage)[0] ?? '';
}

function openChangeStream(ctx: CommandContext, spec: Document, pipeline: Document[]): Document {
  const target = ctx.command.aggregate;
  const cluster = ctx.db === 'admin' && spec.allChangesForCluster === true;
  const scope: ChangeScope = cluster ? {} : typeof target === 'string' ? { db: ctx.db, coll: target } : { db: ctx.db };
  const ns = typeof target === 'string' ? `${ctx.db}.${target}` : `${ctx.db}.$cmd.aggregate`;
  const reader = new ChangeStreamReader(
    ctx.engine.changeLog,
    scope,
    pipeline,
    (spec.fullDocument as FullDocumentMode) ?? 'default',
    (where, id) => (where.coll ? ctx.engine.collection(where.db, where.coll)?.get(id) : undefined),
    { resumeAfter: spec.resumeAfter ?? spec.startAfter, startAtOperationTime: spec.startAtOperationTime as Timestamp | undefined },
  );
  const cursor = ctx.cursors.open<ChangeStreamCursor>({ kind: 'changeStream', ns, reader });
  const batchSize = Number((ctx.command.cursor as Document | undefined)?.batchSize ?? DEFAULT_FIRST_BATCH);
  const batch = reader.read(batchSize);
  return cursorReply(cursor.id, ns, 'firstBatch', batch, { postBatchResumeToken: reader.resumeToken });
}

const aggregate: CommandHandler = (ctx) => {
  const pipeline = (ctx.command.pipeline as Document[]) ?? [];
  const first = pipeline[0];
  if (first && stageName(first) === '$changeStream') return openChangeStream(ctx, first.$changeStream as Document, pipeline.slice(1));
  for (const stage of pipeline) {
    if (UNSUPPORTED_STAGES.has(stageName(stage))) {
      throw new MongoCommandError('IllegalOperation', `${stageName(stage)} is not supported by the embedded MongoDB server here`);
    }
  }
  const target = ctx.command.aggregate;
  const ns = typeof target === 'string' ? `${ctx.db}.${target}` : `${ctx.db}.$cmd.aggregate`;
  const collection = typeof target === 'string' ? ctx.engine.collection(ctx.db, target) : undefined;
  const leadingMatch = first && stageName(first) === '$match' ? (first.$match as Document) : undefined;
  const input = !collection ? [] : leadingMatch ? collection.find(leadingMatch) : [...collection.docs.values()];
  const rest = leadingMatch ? pipeline.slice(1) : pipeline;
  const copyInput = rest.some((stage) => !READ_ONLY_STAGES.has(stageName(stage)));
  let results: Document[];
  try {
    results = new Aggregator(rest, {
      ...MINGO_OPTIONS,
      processingMode: copyInput ? ProcessingMode.CLONE_INPUT : ProcessingMode.CLONE_OFF,
      // What $lookup and its kind join is the stored documents too: a later stage may change them ($set on the joined field).
      collectionResolver: (name: string) => Array.from(ctx.engine.collection(ctx.db, name)?.docs.values() ?? [], copyInput ? deepCopy : (doc) => doc),
    }).run<Document>(input);
  } catch (error) {
    throw fromMingoError(error);
  }
  return firstBatchReply(ctx, ns, results, (ctx.command.cursor as Document | undefined)?.batchSize);
};

export const aggregateCommands: Record<string, CommandHandler> = { aggregate };

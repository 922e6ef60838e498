import type { Readable } from 'node:stream';
import { GridFSBucket, type Collection, type Db, type GridFSBucketWriteStream, type GridFSFile, type ObjectId } from 'mongodb';
import { AppError } from '../../domain/errors';
import type { Author } from '../../domain/timeline';
import { FILES_BUCKET, UNFINISHED_FILES, type ItemDoc } from './documents';
import { newId } from './ids';
import { SIGNATURE_BYTES, contradictsMediaType } from './file-signatures';
import { IMAGE_HEAD_BYTES, imageSize } from './image-size';
import { Utf8TextCheck } from './utf8-text';

export interface FileUpload {
  websiteId: string;
  conversationId: string;
  filename: string;
  mediaType: string;
  /** The upload fails with ERR_PAYLOAD_TOO_LARGE as soon as it passes this size. */
  maxBytes: number;
  uploadedBy: Author;
}

export interface FileInfo {
  id: string;
  websiteId: string;
  conversationId: string;
  filename: string;
  mediaType: string;
  size: number;
  uploadedBy: Author;
  uploadedAt: string;
  width?: number;
  height?: number;
}

/** Bytes `start` to `end` of a file, both included, as HTTP's `Range` counts them. */
export interface ByteRange {
  start: number;
  end: number;
}

type FileMetadata = Omit<FileInfo, 'id' | 'filename' | 'size' | 'uploadedAt'> & {
  /** An item names the file: the sweep of unattached uploads has checked it once and keeps it. */
  attached?: true;
};

/**
 * A file whose chunks may be in the store without a whole file to show for them, should the process
 * die: an upload under way (GridFS writes the files document after the last chunk), or a deletion
 * (the files document goes first). Removed once that is over; one left behind is the sweep's.
 */
interface UnfinishedFileDoc {
  _id: string;
  since: Date;
}

/** GridFS's files document, with our string ids. */
type FileDoc = Omit<GridFSFile, '_id' | 'metadata'> & { _id: string; metadata: FileMetadata };

function toFileInfo(file: FileDoc): FileInfo {
  const { attached: _attached, ...metadata } = file.metadata;
  return { id: file._id, filename: file.filename, size: file.length, uploadedAt: file.uploadDate.toISOString(), ...metadata };
}

/** Writes one chunk and waits until GridFS has taken it (including the chunk insert it may cause). */
const writeChunk = (target: GridFSBucketWriteStream, chunk: Buffer): Promise<void> =>
  new Promise((resolve, reject) => target.write(chunk, (error) => (error ? reject(error) : resolve())));

// The driver types GridFS ids as ObjectId, but any _id works and ours are strings.
const gridFsId = (id: string): ObjectId => id as unknown as ObjectId;

const endUpload = (target: GridFSBucketWriteStream): Promise<void> =>
  new Promise((resolve, reject) => target.end((error?: Error | null) => (error ? reject(error) : resolve())));

const notOfType = (mediaType: string) => new AppError('ERR_UNSUPPORTED_MEDIA_TYPE', `The file's bytes are not ${mediaType}: declare the type the file is`, { mediaType });

function refuseContradiction(mediaType: string, head: Buffer[]): void {
  if (contradictsMediaType(mediaType, Buffer.concat(head))) throw notOfType(mediaType);
}

export function fileMethods(db: Db, items: Collection<ItemDoc>) {
  const bucket = new GridFSBucket(db, { bucketName: FILES_BUCKET });
  const files = db.collection<FileDoc>(`${FILES_BUCKET}.files`);
  const chunks = db.collection<{ files_id: string }>(`${FILES_BUCKET}.chunks`);
  const unfinished = db.collection<UnfinishedFileDoc>(UNFINISHED_FILES);
  // Leaving the note behind only leaves the sweep a file to look at. With its date, only the note as read
  // goes: another instance may have dated it again since, for a deletion of its own under way.
  const finished = (id: string, since?: Date) => unfinished.deleteOne(since ? { _id: id, since } : { _id: id }).catch(() => {});

  return {
    /**
     * Streams a file into GridFS (never holding it whole), reading image dimensions from its first
     * bytes. Past `maxBytes` it deletes what was written and throws ERR_PAYLOAD_TOO_LARGE; bytes
     * that are not of the declared type (file-signatures.ts; for text/plain, utf8-text.ts) are ERR_UNSUPPORTED_MEDIA_TYPE; an
     * empty file is ERR_INVALID_INPUT; on any failure the source stream is destroyed.
     */
    async saveFile(source: Readable, upload: FileUpload): Promise<FileInfo> {
      const { maxBytes, filename, ...metadata } = upload;
      const id = newId('file');
      const target = bucket.openUploadStreamWithId(gridFsId(id), filename, { metadata });
      // Failures reach us through the write/end callbacks; this keeps the 'error' event from crashing the process.
      target.on('error', () => {});
      const head: Buffer[] = [];
      let headBytes = 0;
      let size = 0;
      let signatureChecked = false;
      const text = upload.mediaType === 'text/plain' ? new Utf8TextCheck() : undefined;
      /** Whether the upload is noted unfinished: from before anything is written (an upload refused before that leaves nothing). */
      let noted = false;
      /** Set while GridFS writes: one of its chunk inserts may still land after it fails, so abort() cannot vouch for none being left. */
      let storing = false;
      try {
        // One chunk at a time, awaited: when the limit trips no chunk insert is still in flight,
        // so abort() below deletes every chunk written.
        for await (const data of source) {
          const chunk = Buffer.isBuffer(data) ? data : Buffer.from(data);
          size += chunk.length;
          if (size > maxBytes) throw new AppError('ERR_PAYLOAD_TOO_LARGE', `file is larger than ${maxBytes} bytes`, { maxBytes });
          if (headBytes < IMAGE_HEAD_BYTES) {
            head.push(chunk);
            headBytes += chunk.length;
          }
          if (!signatureChecked && headBytes >= SIGNATURE_BYTES) {
            signatureChecked = true;
            refuseContradiction(upload.mediaType, head);
          }
          if (text && !text.accepts(chunk)) throw notOfType(upload.mediaType);
          if (!noted) {
            // Here rather than before reading: a source failing while nothing listens to it would be an unhandled error.
            await unfinished.insertOne({ _id: id, since: new Date() });
            noted = true;
          }
          storing = true;
          await writeChunk(target, chunk);
          storing = false;
        }
        if (size === 0) throw new AppError('ERR_INVALID_INPUT', 'The file is empty', { fields: [{ path: 'body', message: 'an upload needs at least one byte' }] });
        if (!signatureChecked) refuseContradiction(upload.mediaType, head); // shorter than a signature
        if (text && !text.ends()) throw notOfType(upload.mediaType);
        storing = true;
        await endUpload(target);
      } catch (error) {
        // The upload refused, or its source failed: nothing is being written, and an abort that works leaves no chunk.
        // Otherwise (or if the abort fails) the note stays, for the sweep.
        const aborted = await target.abort().then(() => true, () => false);
        if (noted && aborted && !storing) await finished(id);
        throw error;
      }
      await finished(id);
      const info = toFileInfo(target.gridFSFile as unknown as FileDoc);
      const dimensions = imageSize(Buffer.concat(head));
      if (!dimensions) return info;
      await files.updateOne({ _id: id }, { $set: { 'metadata.width': dimensions.width, 'metadata.height': dimensions.height } });
      return { ...info, ...dimensions };
    },

    /** What is known about a stored file, or null. */
    async getFileInfo(id: string): Promise<FileInfo | null> {
      const file = await files.findOne({ _id: id });
      return file && toFileInfo(file);
    },

    /**
     * Marks a file of the conversation as named by an item (before the item is written), so the
     * sweep of unattached uploads keeps it; null when there is no such file (or it was swept).
     */
    async attachFile(id: string, conversationId: string): Promise<FileInfo | null> {
      const file = await files.findOneAndUpdate({ _id: id, 'metadata.conversationId': conversationId }, { $set: { 'metadata.attached': true } }, { returnDocument: 'after' });
      return file && toFileInfo(file);
    },

    /**
     * Looks at up to `limit` files uploaded before `uploadedBefore` and not marked attached, and
     * deletes those no item of their conversation names (uploads the client never sent); the others
     * (named before `attachFile` existed) are marked. A file is deleted only while unmarked, so a
     * message attaching it meanwhile either keeps it or finds it gone (and is refused).
     */
    async deleteUnattachedFiles(uploadedBefore: Date, limit: number): Promise<{ examined: number; deleted: number }> {
      const candidates = await files
        .find(
          { uploadDate: { $lt: uploadedBefore }, 'metadata.attached': { $exists: false }, 'metadata.conversationId': { $exists: true } },
          { projection: { 'metadata.conversationId': 1 }, limit },
        )
        .toArray();
      let deleted = 0;
      for (const { _id, metadata } of candidates) {
        const named = await items.findOne({ conversationId: metadata.conversationId, 'parts.fileId': _id }, { projection: { _id: 1 } });
        if (named) {
          await files.updateOne({ _id }, { $set: { 'metadata.attached': true } });
          continue;
        }
        // Dated now, even over an older note, so no other sweep takes it for a finished one while this deletion is under way.
        await unfinished.updateOne({ _id }, { $set: { since: new Date() } }, { upsert: true });
        // The files document first, as GridFS does: a reader then finds no file rather than a partial one.
        const { deletedCount } = await files.deleteOne({ _id, 'metadata.attached': { $exists: false } });
        // Not deleted: a message attached it since it was looked at (its chunks are its content), or another sweep
        // deleted it and is deleting its chunks; the note is that sweep's to remove, or the next sweep's.
        if (deletedCount === 0) continue;
        await chunks.deleteMany({ files_id: _id });
        await finished(_id);
        deleted++;
      }
      return { examined: candidates.length, deleted };
    },

    /**
     * Finishes, for up to `limit` files noted as unfinished before `notedBefore`, what a crash left:
     * the chunks of an upload that never completed, or of a deletion that stopped after the files
     * document. A file whose files document is there is whole, and kept. `notedBefore` must be
     * older than any upload can last: one still under way would lose its chunks.
     */
    async deleteUnfinishedFiles(notedBefore: Date, limit: number): Promise<{ examined: number; deleted: number }> {
      const noted = await unfinished.find({ since: { $lt: notedBefore } }, { sort: { since: 1 }, limit }).toArray();
      let deleted = 0;
      for (const { _id, since } of noted) {
        if (!(await files.findOne({ _id }, { projection: { _id: 1 } }))) {
          const { deletedCount } = await chunks.deleteMany({ files_id: _id });
          if (deletedCount > 0) deleted++;
        }
        await finished(_id, since);
      }
      return { examined: noted.length, deleted };
    },

    /**
     * The file's bytes as a stream, or those of `range` alone, read from the chunks that hold them
     * (check `getFileInfo` first: a missing file, or a range past its end, fails the stream).
     */
    openFileStream(id: string, range?: ByteRange): Readable {
      // The driver's `end` is exclusive.
      return bucket.openDownloadStream(gridFsId(id), range && { start: range.start, end: range.end + 1 });
    },
  };
}

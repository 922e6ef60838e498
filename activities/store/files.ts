import type { Readable } from 'node:stream';
import { GridFSBucket, type Db, type GridFSBucketWriteStream, type GridFSFile, type ObjectId } from 'mongodb';
import { AppError } from '../../domain/errors';
import type { Author } from '../../domain/timeline';
import { FILES_BUCKET } from './documents';
import { newId } from './ids';
import { IMAGE_HEAD_BYTES, imageSize } from './image-size';

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

type FileMetadata = Omit<FileInfo, 'id' | 'filename' | 'size' | 'uploadedAt'>;

/** GridFS's files document, with our string ids. */
type FileDoc = Omit<GridFSFile, '_id' | 'metadata'> & { _id: string; metadata: FileMetadata };

function toFileInfo(file: FileDoc): FileInfo {
  return { id: file._id, filename: file.filename, size: file.length, uploadedAt: file.uploadDate.toISOString(), ...file.metadata };
}

/** Writes one chunk and waits until GridFS has taken it (including the chunk insert it may cause). */
const writeChunk = (target: GridFSBucketWriteStream, chunk: Buffer): Promise<void> =>
  new Promise((resolve, reject) => target.write(chunk, (error) => (error ? reject(error) : resolve())));

// The driver types GridFS ids as ObjectId, but any _id works and ours are strings.
const gridFsId = (id: string): ObjectId => id as unknown as ObjectId;

const endUpload = (target: GridFSBucketWriteStream): Promise<void> =>
  new Promise((resolve, reject) => target.end((error?: Error | null) => (error ? reject(error) : resolve())));

export function fileMethods(db: Db) {
  const bucket = new GridFSBucket(db, { bucketName: FILES_BUCKET });
  const files = db.collection<FileDoc>(`${FILES_BUCKET}.files`);

  return {
    /**
     * Streams a file into GridFS (never holding it whole), reading image dimensions from its first
     * bytes. Past `maxBytes` it deletes what was written and throws ERR_PAYLOAD_TOO_LARGE; on any
     * failure the source stream is destroyed.
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
          await writeChunk(target, chunk);
        }
        await endUpload(target);
      } catch (error) {
        await target.abort().catch(() => {}); // already ended or aborted: nothing left to delete
        throw error;
      }
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

    /** The file's bytes as a stream (check `getFileInfo` first: a missing file fails the stream). */
    openFileStream(id: string): Readable {
      return bucket.openDownloadStream(gridFsId(id));
    },
  };
}

/**
 * Reads an import's multipart form whatever the order of its parts: `curl -F`,
 * browsers and most clients send them in the order the caller wrote them, so
 * `lawfulBasis` and `source` may come before or after the file. The file is
 * streamed into storage as it arrives (never held in memory); the fields are
 * handed over only once the whole form was read, and a form that breaks off
 * or does not parse fails the upload, which then removes what it stored.
 */
import type { Readable } from 'node:stream';
import type { FastifyRequest } from 'fastify';
import { AppError, badRequest } from '../../platform/errors.js';

/** Stores `file` (consuming it) and waits for `fields()` before checking them; resolves the import's id. */
export type StartUpload = (file: AsyncIterable<Buffer>, fields: () => Promise<Record<string, string>>) => Promise<string>;

const malformed = (): AppError =>
  badRequest('The multipart body could not be read (cut short, or its boundary does not match its content-type).', [
    { path: 'body', message: 'Malformed multipart/form-data.' },
  ]);

/** Parser errors carry no status; limits and the like (413, 406) do and keep it. */
function asClientError(err: unknown): unknown {
  if (err instanceof AppError) return err;
  const status = (err as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' && status >= 400 && status < 500 ? err : malformed();
}

/**
 * The file's bytes; an error raised while reading them is the client's body
 * (the consumer's own errors, e.g. a failed write, do not pass through here).
 */
async function* fileBytes(file: Readable): AsyncGenerator<Buffer> {
  try {
    for await (const chunk of file) yield chunk as Buffer;
  } catch (err) {
    throw asClientError(err);
  }
}

export async function receiveUpload(req: FastifyRequest, start: StartUpload): Promise<string> {
  if (!req.isMultipart()) throw badRequest('Send the CSV as multipart/form-data with a file field.');
  const fields: Record<string, string> = {};
  let formRead!: () => void;
  let formFailed!: (err: unknown) => void;
  const form = new Promise<void>((resolve, reject) => {
    formRead = resolve;
    formFailed = reject;
  });
  // Observed through `fields()` only when the upload gets that far.
  form.catch(() => undefined);
  let upload: Promise<string> | null = null;
  try {
    for await (const part of req.parts()) {
      if (part.type !== 'file') {
        fields[part.fieldname] = String(part.value);
        continue;
      }
      if (part.fieldname !== 'file' || upload !== null) {
        part.file.resume();
        throw badRequest('Send one file, in the field named file.');
      }
      const file = part.file;
      upload = start(fileBytes(file), async () => {
        await form;
        return fields;
      });
      // An upload that fails before reading the whole file must not leave the
      // parser waiting for a reader: stop the file, which ends the parts.
      upload.catch(() => {
        if (!file.readableEnded) file.destroy();
      });
    }
  } catch (err) {
    const clientError = asClientError(err);
    formFailed(clientError);
    // Let the upload remove what it stored before answering.
    if (upload) await upload.catch(() => undefined);
    throw clientError;
  }
  formRead();
  if (upload === null) throw badRequest('Send the CSV in a file field named file.', [{ path: 'file', message: 'Required.' }]);
  return upload;
}

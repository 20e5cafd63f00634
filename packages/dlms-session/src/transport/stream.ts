import type { Duplex } from 'node:stream';
import { SessionError } from '../errors/index.ts';

/** Write `bytes` to `stream`, resolving once handed to the stream (backpressure included). */
export function writeTo(stream: Duplex, bytes: Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => {
    if (stream.destroyed || stream.writableEnded) {
      reject(new SessionError('CLOSED', 'the stream is closed'));
      return;
    }
    stream.write(bytes, (err) => (err ? reject(new SessionError('CLOSED', `writing to the stream failed: ${err.message}`, { cause: err })) : resolve()));
  });
}

/** End `stream` gracefully (flushing what was written); destroy it if it is not closed within `graceMs`. */
export function endStream(stream: Duplex, graceMs = 1000): Promise<void> {
  if (stream.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      stream.destroy();
      resolve();
    }, graceMs);
    stream.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
    stream.end();
  });
}

/**
 * Feed received chunks to `onData` and call `onClose` once when the stream ends, errors or closes.
 * An 'error' listener is always attached, so a socket error never crashes the process.
 */
export function watchStream(stream: Duplex, onData: (chunk: Uint8Array) => void, onClose: (reason: SessionError) => void): void {
  let done = false;
  const finish = (reason: SessionError): void => {
    if (done) return;
    done = true;
    onClose(reason);
  };
  stream.on('data', (chunk: Buffer | string) => {
    if (typeof chunk === 'string') return;
    onData(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
  });
  stream.on('error', (err: Error) => finish(new SessionError('CLOSED', `the stream failed: ${err.message}`, { cause: err })));
  stream.on('end', () => finish(new SessionError('CLOSED', 'the peer closed the connection')));
  stream.on('close', () => finish(new SessionError('CLOSED', 'the connection is closed')));
}

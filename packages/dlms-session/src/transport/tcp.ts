import { connect, createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import { SessionError } from '../errors/index.ts';

/** Options of `connectTcp`. */
export interface ConnectTcpOptions {
  /** Give up with `TIMEOUT` after this long. Default 10000 ms. */
  readonly timeoutMs?: number;
}

/**
 * Open a TCP connection (the head-end dialling a meter, IEC 62056-47 port 4059 by convention).
 * Nagle is switched off: DLMS is request/response, and a delayed small frame costs a round trip.
 * Rejects with `REFUSED` (connection refused), `TIMEOUT` or `CLOSED` (any other socket error).
 */
export function connectTcp(host: string, port: number, options: ConnectTcpOptions = {}): Promise<Socket> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new SessionError('TIMEOUT', `no TCP connection to ${host}:${port} within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      socket.setNoDelay(true);
      resolve(socket);
    });
    socket.once('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      socket.destroy();
      const code = err.code === 'ECONNREFUSED' ? 'REFUSED' : 'CLOSED';
      reject(new SessionError(code, `TCP connection to ${host}:${port} failed: ${err.message}`, { cause: err }));
    });
  });
}

/** A listening TCP server from `listenTcp`. */
export interface TcpListener {
  /** The port actually bound (useful with port 0). */
  readonly port: number;
  readonly host: string;
  /** Stop listening and destroy the open connections. */
  close(): Promise<void>;
}

/** Options of `listenTcp`. */
export interface ListenTcpOptions {
  /** Default `127.0.0.1`; `0.0.0.0` to accept from anywhere. */
  readonly host?: string;
}

/**
 * Listen for TCP connections (the meter side, or a head-end taking meter-initiated connections).
 * `onConnection` gets each socket with Nagle off; errors on a socket never reach the process.
 */
export function listenTcp(port: number, onConnection: (socket: Socket) => void, options: ListenTcpOptions = {}): Promise<TcpListener> {
  const host = options.host ?? '127.0.0.1';
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.setNoDelay(true);
    socket.on('error', () => socket.destroy());
    socket.once('close', () => sockets.delete(socket));
    onConnection(socket);
  });
  return new Promise((resolve, reject) => {
    server.once('error', (err) => reject(new SessionError('CLOSED', `cannot listen on ${host}:${port}: ${err.message}`, { cause: err })));
    server.listen(port, host, () => {
      const address = server.address();
      const bound = typeof address === 'object' && address !== null ? address.port : port;
      resolve({
        port: bound,
        host,
        close: () =>
          new Promise<void>((done) => {
            for (const s of sockets) s.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}

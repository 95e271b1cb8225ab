/** Starts the HTTP server and stops it cleanly: stop accepting, let in-flight requests finish. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';

export interface RunningServer {
  server: Server;
  port: number;
  /** Stops accepting, waits up to `timeoutMs` for in-flight requests, then cuts the rest. */
  close(timeoutMs: number): Promise<void>;
}

/** Listens on host:port (port 0 picks a free one) and resolves once listening. */
export async function listen(app: Express, host: string, port: number): Promise<RunningServer> {
  const server = createServer(app);
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = (server.address() as AddressInfo).port;
  return {
    server,
    port: bound,
    close: (timeoutMs) =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(() => server.closeAllConnections(), timeoutMs);
        timer.unref();
        server.close(() => {
          clearTimeout(timer);
          resolve();
        });
        server.closeIdleConnections();
      }),
  };
}

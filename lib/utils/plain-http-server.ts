import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What a route of a plain HTTP server answers. */
export interface PlainResponse {
  status: number;
  contentType: string;
  body: string;
}

/**
 * A minimal HTTP server for apps without one of their own (`karafka server`): GET routes only,
 * everything else is 404. Used by the metrics port and the health port.
 */
export async function servePlainHttp(
  host: string,
  port: number,
  routes: Record<string, () => PlainResponse | Promise<PlainResponse>>,
): Promise<{ server: Server; port: number; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    const route = req.method === 'GET' ? routes[path] : undefined;
    if (!route) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found\n');
      return;
    }
    Promise.resolve()
      .then(route)
      .then(
        ({ status, contentType, body }) =>
          void res.writeHead(status, { 'content-type': contentType }).end(body),
        (error: unknown) =>
          void res
            .writeHead(500, { 'content-type': 'text/plain' })
            .end(`${error instanceof Error ? error.message : String(error)}\n`),
      );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    server,
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

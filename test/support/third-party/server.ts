/**
 * What the third-party test servers share: the running server with its one client and one user, and a loopback
 * listener whose handler is set once the server (whose issuer must carry the port) exists.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A running third-party OAuth server and the credentials of its one client and one user. */
export interface LoopbackOAuthServer {
  url: string;
  clientId: string;
  clientSecret: string;
  username: string;
  password: string;
  redirectUri: string;
  close: () => Promise<void>;
}

/** A server on 127.0.0.1 port 0 that answers 503 until `setHandler` is called; `base` is its origin. */
export async function listenFirst(): Promise<{ server: Server; base: string; setHandler: (h: (req: IncomingMessage, res: ServerResponse) => void) => void }> {
  let handle: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => void res.writeHead(503).end();
  const server = createServer((req, res) => handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, setHandler: (h) => (handle = h) };
}

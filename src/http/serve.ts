/** Starting and stopping a node:http server: the URL it listens at, and a close that does not wait on idle clients. */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Listening {
  /** e.g. http://127.0.0.1:41234 or http://[::1]:41234 */
  url: string;
  port: number;
}

/** Listens on `host`:`port` (0 for any free port); rejects when the address cannot be taken. */
export async function listen(server: Server, port: number, host: string): Promise<Listening> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return { url: `http://${urlHost}:${address.port}`, port: address.port };
}

/** Stops listening and ends idle keep-alive connections at once; requests still running after `graceMs` are cut off. */
export function closeGracefully(server: Server, graceMs: number): Promise<void> {
  return new Promise<void>((resolve) => {
    const force = setTimeout(() => server.closeAllConnections(), graceMs);
    server.close(() => {
      clearTimeout(force);
      resolve();
    });
    server.closeIdleConnections();
  });
}

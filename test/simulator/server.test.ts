/** The node:http adapter: keep-alive, a clean close() with idle connections, oversized bodies, a taken port. */
import { request, Agent } from 'node:http';
import { describe, expect, it } from 'vitest';
import { MAX_BODY_BYTES } from '../../src/simulator/index.js';
import { ORDER_PATH, PROJECT, call, start } from './support.js';

const D = `/v2/${PROJECT}/desktops/detail`;

function getWith(agent: Agent, url: string): Promise<{ status: number; headers: Record<string, unknown>; socketClosed: Promise<void> }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent }, (res) => {
      res.resume();
      res.on('end', () => {
        const socket = req.socket;
        const socketClosed = socket === null || socket.destroyed ? Promise.resolve() : new Promise<void>((done) => socket.once('close', () => done()));
        resolve({ status: res.statusCode ?? 0, headers: res.headers, socketClosed });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the HTTP server', () => {
  it('keeps connections alive for 65 s and closes idle ones on close()', async () => {
    const sim = await start();
    const agent = new Agent({ keepAlive: true });
    const reply = await getWith(agent, `${sim.url}${D}`);
    expect(reply.status).toBe(200);
    expect(reply.headers['keep-alive']).toBe('timeout=65');
    const t = performance.now();
    await sim.close();
    await reply.socketClosed;
    expect(performance.now() - t).toBeLessThan(2_000);
    agent.destroy();
  });

  it('refuses a body above 12 MB with 413 APIGW.0201', async () => {
    const sim = await start();
    const reply = await call(sim.url, 'POST', ORDER_PATH, 'x'.repeat(MAX_BODY_BYTES + 1));
    expect(reply.status).toBe(413);
    expect(reply.body.error_code).toBe('APIGW.0201');
    expect(sim.simulator.orders()).toEqual([]);
    await sim.close();
  });

  it('rejects when the port is taken', async () => {
    const first = await start();
    await expect(start({ port: first.port })).rejects.toThrow(/EADDRINUSE/);
    await first.close();
  });
});

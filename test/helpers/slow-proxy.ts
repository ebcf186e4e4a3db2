import { createConnection, createServer, type AddressInfo, type Socket } from 'node:net';

export interface SlowProxy {
  /** Where to connect instead of the target: `127.0.0.1:<port>`. */
  port: number;
  close(): Promise<void>;
}

/**
 * A TCP proxy on loopback that holds every chunk `delayMs / 2` in each direction, so each round trip
 * through it takes `delayMs` longer: a database across a slow link. Order within a direction is kept
 * (timers of one duration fire in the order they were set).
 */
export async function startSlowProxy(
  target: { host: string; port: number },
  delayMs: number,
): Promise<SlowProxy> {
  const sockets = new Set<Socket>();
  const half = delayMs / 2;
  const pipeSlowly = (from: Socket, to: Socket): void => {
    from.on('data', (chunk) => {
      setTimeout(() => {
        if (!to.destroyed) to.write(chunk);
      }, half);
    });
    from.on('end', () => {
      setTimeout(() => to.end(), half);
    });
    from.on('error', () => to.destroy());
    from.on('close', () => {
      setTimeout(() => to.destroy(), half);
    });
  };
  const server = createServer((client) => {
    const upstream = createConnection(target);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    }
    pipeSlowly(client, upstream);
    pipeSlowly(upstream, client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => {
          resolve();
        });
      }),
  };
}

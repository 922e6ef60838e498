import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { useTestApp } from './support/app';

/** The kernel's count of connections dropped because a listen queue was full (Linux, this network namespace). */
function listenOverflows(): number {
  const [names, values] = readFileSync('/proc/net/netstat', 'utf8').split('\n').filter((line) => line.startsWith('TcpExt:'));
  return Number(values!.split(' ')[names!.split(' ').indexOf('ListenOverflows')]);
}

const t = useTestApp();

describe('the HTTP server', () => {
  it('queues a wave of connections arriving at once instead of dropping those past 511 (clients retry a dropped one only after a second)', async () => {
    const { port } = new URL(t.app.url);
    const before = listenOverflows();
    const sockets: Socket[] = [];
    const connected: Array<Promise<void>> = [];
    for (let i = 0; i < 800; i++) {
      const socket = connect(Number(port), '127.0.0.1');
      sockets.push(socket);
      connected.push(new Promise((resolve, reject) => socket.once('connect', () => resolve()).once('error', reject)));
    }
    // All 800 connect in the next tick, before this thread (the server's too) can accept one: the
    // kernel queues their handshakes, up to the backlog (and `net.core.somaxconn`, 4,096 by default).
    try {
      await Promise.all(connected);
      expect(listenOverflows() - before).toBe(0);
    } finally {
      for (const socket of sockets) socket.destroy();
    }
  });
});

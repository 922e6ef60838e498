/** A webhook endpoint on 127.0.0.1 for tests: records what it is sent, answers as told, and can go down and come back on its port. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  headers: Record<string, string | string[] | undefined>;
  body: string;
  event: { id: string; type: string; createdAt: string; websiteId: string; data: any };
}

export class WebhookReceiver {
  readonly received: Received[] = [];
  /** Statuses to answer the next requests with, in order; 200 once they are used up. */
  readonly answers: number[] = [];
  private server?: Server;
  private port = 0;

  get url(): string {
    return `http://127.0.0.1:${this.port}/hook`;
  }

  async up(): Promise<void> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        this.received.push({ headers: req.headers, body, event: JSON.parse(body) });
        res.writeHead(this.answers.shift() ?? 200).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  async down(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  }

  /** The events of this type about this item or conversation. */
  events(type: string, about: (data: any) => boolean = () => true): Received[] {
    return this.received.filter((r) => r.event.type === type && about(r.event.data));
  }
}

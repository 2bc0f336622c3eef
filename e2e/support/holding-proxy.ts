import net from 'node:net';

type Pipe = { client: net.Socket; upstream: net.Socket; held: Buffer[] };

/**
 * The WebSocket upgrade request without its offer of compression, so the server's frames stay readable here (the
 * whole request comes in the first chunk on a local connection).
 */
function withoutCompression(chunk: Buffer): Buffer {
  const text = chunk.toString('latin1');
  if (!text.startsWith('GET ')) return chunk;
  return Buffer.from(text.replace(/\r\nSec-WebSocket-Extensions:[^\r]*/i, ''), 'latin1');
}

/**
 * A TCP proxy in front of one server that can hold what clients send (`hold`) and let it through later
 * (`release`), in order. The server's side of a connection stays open when the client's side dies while held, so
 * a request written just before a client went away (a page reloading) still reaches the server late, as it would
 * over a slow network. Everything the server sent back is kept, so a test can wait until an answer went out.
 */
export class HoldingProxy {
  private server: net.Server | undefined;
  private readonly pipes = new Set<Pipe>();
  private holding = false;
  private readonly fromServer: Buffer[] = [];
  port = 0;

  constructor(private readonly target: { host: string; port: number }) {}

  async start(): Promise<void> {
    const server = net.createServer((client) => {
      const upstream = net.connect(this.target);
      const pipe: Pipe = { client, upstream, held: [] };
      this.pipes.add(pipe);
      let first = true;
      client.on('data', (data: Buffer) => {
        const chunk = first ? withoutCompression(data) : data;
        first = false;
        if (this.holding) pipe.held.push(chunk);
        else upstream.write(chunk);
      });
      upstream.on('data', (chunk: Buffer) => {
        this.fromServer.push(chunk);
        if (!client.destroyed) client.write(chunk);
      });
      // The client going away ends the server's side only when nothing of it is held.
      client.on('close', () => {
        if (!this.holding && pipe.held.length === 0) upstream.end();
      });
      client.on('error', () => {});
      upstream.on('error', () => client.destroy());
      upstream.on('close', () => {
        client.destroy();
        this.pipes.delete(pipe);
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as net.AddressInfo).port;
    this.server = server;
  }

  /** From now on what clients send waits here. */
  hold(): void {
    this.holding = true;
  }

  /** What waited goes to the server, in order; later data flows again. */
  release(): void {
    this.holding = false;
    for (const pipe of this.pipes) {
      for (const chunk of pipe.held.splice(0)) pipe.upstream.write(chunk);
    }
  }

  /** Whether the server sent this text back on any connection (answers are unmasked WebSocket text frames). */
  heard(text: string): boolean {
    return Buffer.concat(this.fromServer).toString('latin1').includes(text);
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const pipe of this.pipes) {
      pipe.client.destroy();
      pipe.upstream.destroy();
    }
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** The URL with its host and port replaced by the proxy's. */
  url(original: string): string {
    const url = new URL(original);
    url.hostname = '127.0.0.1';
    url.port = String(this.port);
    return url.toString();
  }
}

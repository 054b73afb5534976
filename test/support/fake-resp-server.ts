/**
 * A stand-in for a Redis server or a Sentinel on 127.0.0.1: it parses RESP commands and answers
 * each with what the test says (or never, like a server cut off by a partition), recording every
 * command, so an agent's decisions are tested without real servers.
 */
import * as net from 'net';

/** A recorded command: its words and when it arrived (ms, performance clock). */
export interface FakeCall {
  readonly args: readonly string[];
  readonly at: number;
}

/** Returns the raw RESP reply, or undefined to leave the command unanswered. */
export type FakeAnswer = (args: readonly string[]) => string | undefined;

/** RESP encodings of the replies the tests use. */
export const resp = {
  ok: '+OK\r\n',
  error: (message: string) => `-${message}\r\n`,
  nil: '*-1\r\n',
  array: (...items: string[]) => `*${items.length}\r\n${items.map((i) => `$${Buffer.byteLength(i)}\r\n${i}\r\n`).join('')}`,
};

export class FakeRespServer {
  /** Starts listening on a free port of 127.0.0.1. */
  public static async start(answer: FakeAnswer): Promise<FakeRespServer> {
    const fake = new FakeRespServer(answer);
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  public readonly calls: FakeCall[] = [];
  private readonly server: net.Server;
  private readonly sockets = new Set<net.Socket>();

  private constructor(public answer: FakeAnswer) {
    this.server = net.createServer((socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      socket.on('error', () => undefined);
      let buffer = '';
      socket.on('data', (chunk) => {
        buffer += chunk.toString('latin1');
        for (let parsed = parseCommand(buffer); parsed; parsed = parseCommand(buffer)) {
          buffer = buffer.slice(parsed.length);
          this.calls.push({ args: parsed.args, at: performance.now() });
          const reply = this.answer(parsed.args);
          if (reply !== undefined) socket.write(reply);
        }
      });
    });
  }

  public get port(): number {
    return (this.server.address() as net.AddressInfo).port;
  }

  /** Commands whose first word is `name` (case-insensitive). */
  public callsOf(name: string): FakeCall[] {
    return this.calls.filter((c) => c.args[0]?.toUpperCase() === name.toUpperCase());
  }

  /** Drops every open connection (a restarted server); keeps listening. */
  public dropConnections(): void {
    for (const socket of this.sockets) socket.destroy();
  }

  public async stop(): Promise<void> {
    this.dropConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** One complete RESP array of bulk strings at the start of `text`, or undefined. */
function parseCommand(text: string): { args: string[]; length: number } | undefined {
  const header = /^\*(\d+)\r\n/.exec(text);
  if (!header) return undefined;
  let offset = header[0].length;
  const args: string[] = [];
  for (let i = 0; i < Number(header[1]); i++) {
    const bulk = /^\$(\d+)\r\n/.exec(text.slice(offset));
    if (!bulk) return undefined;
    const start = offset + bulk[0].length;
    const end = start + Number(bulk[1]);
    if (text.length < end + 2) return undefined;
    args.push(Buffer.from(text.slice(start, end), 'latin1').toString('utf8'));
    offset = end + 2;
  }
  return { args, length: offset };
}

/**
 * Runs the rendered Redis and Sentinel scripts with sh against stand-ins for redis-cli and the
 * servers, so each decision of a script is tested without real servers (the routing test in
 * test/e2e runs them with real ones).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/**
 * redis-cli stand-in: `redis-cli -h HOST -p PORT COMMAND...` prints the file
 * `replies/HOST:PORT:COMMAND` (first word of the command) and exits 0, like redis-cli printing a
 * reply or an error reply; with no such file it exits 1, like a refused connection. Every call
 * is logged with its arguments and the REDISCLI_AUTH it saw.
 */
const REDIS_CLI = `#!/bin/sh
[ "$1" = -h ] && [ "$3" = -p ] || { echo "unexpected arguments: $*" >&2; exit 2; }
host=$2; port=$4; shift 4
printf '%s\\t%s\\n' "$host:$port $*" "\${REDISCLI_AUTH:-}" >> "$STUB_DIR/calls"
reply="$STUB_DIR/replies/$host:$port:$1"
[ -f "$reply" ] || { echo "Could not connect to Redis at $host:$port: Connection refused" >&2; exit 1; }
cat "$reply"
`;

/** Server stand-in: records the config file it was exec'd with, and its environment. */
const SERVER = `#!/bin/sh
cp "$1" "$STUB_DIR/started.conf"
env > "$STUB_DIR/started.env"
`;

/** What a script run left behind. */
export interface ScriptRun {
  readonly status: number | null;
  readonly stderr: string;
  /** The config the server stand-in was started with, when it was. */
  readonly startedConfig?: string;
  /** The server's environment at exec. */
  readonly startedEnv?: string;
  /** Each redis-cli call: `host:port command args` and the REDISCLI_AUTH it saw. */
  readonly calls: readonly { readonly args: string; readonly auth: string }[];
}

/** A scratch directory with the stand-ins, a password file and reply files. */
export class ScriptSandbox {
  public readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hadr-redis-script-'));
  public readonly redisCli = path.join(this.dir, 'bin', 'redis-cli');
  public readonly server = path.join(this.dir, 'bin', 'server');
  public readonly passwordFile = path.join(this.dir, 'secret', 'password');
  public readonly configDir = path.join(this.dir, 'config');
  public readonly runtimeDir = path.join(this.dir, 'run');

  constructor(public readonly password = 's3cr3t-pw') {
    for (const sub of ['bin', 'secret', 'config', 'run', 'replies']) fs.mkdirSync(path.join(this.dir, sub));
    fs.writeFileSync(this.redisCli, REDIS_CLI, { mode: 0o755 });
    fs.writeFileSync(this.server, SERVER, { mode: 0o755 });
    fs.writeFileSync(this.passwordFile, `${password}\n`);
  }

  /** What `redis-cli -h host -p port <command> ...` prints from now on. */
  public reply(host: string, port: number, command: string, text: string): void {
    fs.writeFileSync(path.join(this.dir, 'replies', `${host}:${port}:${command}`), text);
  }

  /** Writes a file of the config directory (what the ConfigMap mounts). */
  public config(name: string, text: string): void {
    fs.writeFileSync(path.join(this.configDir, name), text);
  }

  /** Runs `script` with sh as the pod `podName`. */
  public run(script: string, podName: string): ScriptRun {
    const result = spawnSync('sh', ['-c', script], {
      encoding: 'utf8', timeout: 20_000, env: { PATH: process.env.PATH, POD_NAME: podName, STUB_DIR: this.dir },
    });
    const read = (file: string) => (fs.existsSync(path.join(this.dir, file)) ? fs.readFileSync(path.join(this.dir, file), 'utf8') : undefined);
    const calls = (read('calls') ?? '').split('\n').filter(Boolean).map((line) => {
      const [args, auth] = line.split('\t');
      return { args, auth };
    });
    return { status: result.status, stderr: result.stderr, startedConfig: read('started.conf'), startedEnv: read('started.env'), calls };
  }

  public remove(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

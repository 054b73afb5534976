/**
 * How Kubernetes asks a container whether it is healthy: an HTTP GET, a TCP connect or a
 * command. Plain data, so every layer can read it.
 *
 * @see https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/
 */
export class HealthCheck {
  /**
   * HTTP GET on `path`; 2xx and 3xx are healthy.
   *
   * @param path absolute request path, e.g. `/health`
   * @param options port (default: the service's first port) and scheme
   */
  public static http(path: string, options: HttpHealthCheckOptions = {}): HealthCheck {
    return new HealthCheck('http', { path, port: options.port, scheme: options.scheme ?? 'HTTP' });
  }

  /**
   * A TCP connect to `port` (default: the service's first port). Proves the process listens,
   * not that it can serve: prefer {@link HealthCheck.http} where the service has a health route.
   */
  public static tcp(port?: number): HealthCheck {
    return new HealthCheck('tcp', { port });
  }

  /** A command run in the container; exit status 0 is healthy. */
  public static exec(command: readonly string[]): HealthCheck {
    return new HealthCheck('exec', { command });
  }

  /** Which kind of check. */
  public readonly kind: 'http' | 'tcp' | 'exec';
  /** HTTP path (http only). */
  public readonly path?: string;
  /** Port to check (http and tcp); undefined means the service's first port. */
  public readonly port?: number;
  /** HTTP or HTTPS (http only). */
  public readonly scheme?: 'HTTP' | 'HTTPS';
  /** Command (exec only). */
  public readonly command?: readonly string[];

  private constructor(kind: HealthCheck['kind'], fields: Partial<Omit<HealthCheck, 'kind'>>) {
    this.kind = kind;
    this.path = fields.path;
    this.port = fields.port;
    this.scheme = fields.scheme;
    this.command = fields.command;
  }
}

/** Options for {@link HealthCheck.http}. */
export interface HttpHealthCheckOptions {
  /**
   * Port the health route listens on.
   *
   * @default - the service's first port
   */
  readonly port?: number;
  /**
   * Scheme of the request.
   *
   * @default 'HTTP'
   */
  readonly scheme?: 'HTTP' | 'HTTPS';
}

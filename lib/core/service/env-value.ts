/**
 * Where an environment variable's value comes from. Secret values are always referenced,
 * never copied into a manifest.
 *
 * @see https://kubernetes.io/docs/tasks/inject-data-application/define-environment-variable-container/
 */
export class EnvValue {
  /** A literal value. Names that look secret (password, token, key...) are refused: use {@link EnvValue.fromSecret}. */
  public static value(value: string): EnvValue {
    return new EnvValue('value', { value });
  }

  /** A key of a Secret that already exists in the namespace. */
  public static fromSecret(secretName: string, key: string, options: EnvFromOptions = {}): EnvValue {
    return new EnvValue('secret', { sourceName: secretName, key, optional: options.optional });
  }

  /** A key of a ConfigMap. */
  public static fromConfigMap(configMapName: string, key: string, options: EnvFromOptions = {}): EnvValue {
    return new EnvValue('configMap', { sourceName: configMapName, key, optional: options.optional });
  }

  /** A field of the pod itself, e.g. `status.podIP` or `metadata.name`. */
  public static fromField(fieldPath: string): EnvValue {
    return new EnvValue('field', { key: fieldPath });
  }

  /** Which source. */
  public readonly source: 'value' | 'secret' | 'configMap' | 'field';
  /** Literal value (source `value`). */
  public readonly value?: string;
  /** Secret or ConfigMap name. */
  public readonly sourceName?: string;
  /** Key in the Secret or ConfigMap, or the field path. */
  public readonly key?: string;
  /** Whether the pod starts when the Secret/ConfigMap key is missing. */
  public readonly optional?: boolean;

  private constructor(source: EnvValue['source'], fields: Partial<Omit<EnvValue, 'source'>>) {
    this.source = source;
    this.value = fields.value;
    this.sourceName = fields.sourceName;
    this.key = fields.key;
    this.optional = fields.optional;
  }
}

/** Options for {@link EnvValue.fromSecret} and {@link EnvValue.fromConfigMap}. */
export interface EnvFromOptions {
  /**
   * Start the pod even when the key is missing.
   *
   * @default false
   */
  readonly optional?: boolean;
}

/** Variable names Kubernetes auditors treat as secret: their values must come from a Secret. */
export const SECRET_LOOKING_NAME = /password|passwd|secret|token|bearer|api[_-]?key|private[_-]?key|credentials?$|^AWS_SECRET_ACCESS_KEY$/i;

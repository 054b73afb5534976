/**
 * Where the files of a mounted directory come from: a ConfigMap or a Secret that exists in the
 * namespace. Secret files are referenced, never copied into a manifest.
 *
 * @see https://kubernetes.io/docs/concepts/storage/volumes/#configmap
 * @see https://kubernetes.io/docs/concepts/storage/volumes/#secret
 */
export class FileSource {
  /** Every key of a ConfigMap, one file each. */
  public static configMap(name: string): FileSource {
    return new FileSource('configMap', name);
  }

  /** Every key of a Secret, one file each, readable by the pod's group only. */
  public static secret(name: string): FileSource {
    return new FileSource('secret', name);
  }

  private constructor(
    /** ConfigMap or Secret. */
    public readonly kind: 'configMap' | 'secret',
    /** Its name. */
    public readonly name: string,
  ) {}
}

/** A read-only directory of files from a ConfigMap or Secret. */
export interface FileMount {
  /** Absolute directory the files appear in, e.g. `/etc/pgbouncer`. */
  readonly path: string;
  /** The ConfigMap or Secret. */
  readonly from: FileSource;
}

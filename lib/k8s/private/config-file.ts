import { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { kubeObject } from './kube-object';
import { configChecksum } from './stateful-storage';
import { FileMount, FileSource } from '../../core/service/file-source';

/** A rendered config file in its own ConfigMap, ready to mount into a service's pods. */
export interface ConfigFile {
  /** The ConfigMap. */
  readonly configMap: ApiObject;
  /** Mount of the ConfigMap's directory, for `ServiceSpec.files`. */
  readonly mount: FileMount;
  /** Pod annotation carrying the file's digest, so a change rolls the pods that read it at start. */
  readonly podAnnotations: Record<string, string>;
}

/** Puts one rendered file (pgbouncer.ini, haproxy.cfg...) in a ConfigMap mounted at `directory`. */
export function configFile(
  scope: Construct, id: string,
  options: { name: string; labels: Record<string, string>; fileName: string; content: string; directory: string },
): ConfigFile {
  const configMap = kubeObject(scope, id, k8s.KubeConfigMap.GVK, { name: options.name, labels: options.labels }, {
    data: () => ({ [options.fileName]: options.content }),
  });
  return {
    configMap,
    mount: { path: options.directory, from: FileSource.configMap(configMap.name) },
    podAnnotations: { [`hadr-constructs.io/${options.fileName.replace(/[^a-z0-9]+/gi, '-')}-sha`]: configChecksum({ [options.fileName]: options.content }) },
  };
}

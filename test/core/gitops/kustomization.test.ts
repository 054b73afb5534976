import * as YAML from 'yaml';
import { renderKustomization } from '../../../lib/core/gitops/kustomization';

describe('renderKustomization', () => {
  it('lists the files of the folder, sorted, and nothing else', () => {
    expect(YAML.parse(renderKustomization(['Service.api.k8s.yaml', 'Deployment.api.k8s.yaml']))).toEqual({
      apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: ['Deployment.api.k8s.yaml', 'Service.api.k8s.yaml'],
    });
  });

  it.each([['a path leaving the folder', '../other.k8s.yaml'], ['an absolute path', '/tmp/x.k8s.yaml']])('rejects %s', (_what, file) => {
    expect(() => renderKustomization([file])).toThrow(`kustomization.yaml: resources[0] must be a file inside the folder, listed once (got "${file}"); list paths relative to the folder`);
  });
});

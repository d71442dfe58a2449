/**
 * Typed Kubernetes core kinds. cdk8s-plus-28 ships the generated `k8s` bindings for Kubernetes 1.28;
 * `cdk8s import k8s` would need the network, so we reuse those (same generator, same API version).
 */
export {
  IntOrString,
  KubeClusterRoleBinding,
  KubeConfigMap,
  KubeIngress,
  KubeNamespace,
  KubeServiceAccount,
} from 'cdk8s-plus-28/lib/imports/k8s';
export type { HttpIngressPath, ObjectMeta } from 'cdk8s-plus-28/lib/imports/k8s';

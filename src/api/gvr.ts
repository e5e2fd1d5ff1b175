/**
 * Group/version/resource (and kind) constants of the kinds the engine and agent read and write.
 */
import { CONTROL_GROUP, CONTROL_VERSION, OCM_CLUSTER_GROUP, OCM_WORK_GROUP } from './constants.js';

/** A resource the engine addresses, with the facts a dynamic client needs. */
export interface ResourceRef {
  group: string;
  version: string;
  resource: string;
  kind: string;
  namespaced: boolean;
}

const control = (resource: string, kind: string, namespaced: boolean): ResourceRef => ({
  group: CONTROL_GROUP,
  version: CONTROL_VERSION,
  resource,
  kind,
  namespaced,
});

export const BINDING_POLICY = control('bindingpolicies', 'BindingPolicy', false);
export const BINDING = control('bindings', 'Binding', false);
export const CUSTOM_TRANSFORM = control('customtransforms', 'CustomTransform', false);
export const STATUS_COLLECTOR = control('statuscollectors', 'StatusCollector', false);
export const COMBINED_STATUS = control('combinedstatuses', 'CombinedStatus', true);
export const WORK_STATUS = control('workstatuses', 'WorkStatus', true);

export const MANAGED_CLUSTER: ResourceRef = {
  group: OCM_CLUSTER_GROUP,
  version: 'v1',
  resource: 'managedclusters',
  kind: 'ManagedCluster',
  namespaced: false,
};
export const MANAGED_CLUSTER_SET: ResourceRef = {
  group: OCM_CLUSTER_GROUP,
  version: 'v1beta2',
  resource: 'managedclustersets',
  kind: 'ManagedClusterSet',
  namespaced: false,
};
export const MANIFEST_WORK: ResourceRef = {
  group: OCM_WORK_GROUP,
  version: 'v1',
  resource: 'manifestworks',
  kind: 'ManifestWork',
  namespaced: true,
};
export const APPLIED_MANIFEST_WORK: ResourceRef = {
  group: OCM_WORK_GROUP,
  version: 'v1',
  resource: 'appliedmanifestworks',
  kind: 'AppliedManifestWork',
  namespaced: false,
};

export const NAMESPACE: ResourceRef = {
  group: '',
  version: 'v1',
  resource: 'namespaces',
  kind: 'Namespace',
  namespaced: false,
};
export const CONFIG_MAP: ResourceRef = {
  group: '',
  version: 'v1',
  resource: 'configmaps',
  kind: 'ConfigMap',
  namespaced: true,
};
export const CUSTOM_RESOURCE_DEFINITION: ResourceRef = {
  group: 'apiextensions.k8s.io',
  version: 'v1',
  resource: 'customresourcedefinitions',
  kind: 'CustomResourceDefinition',
  namespaced: false,
};

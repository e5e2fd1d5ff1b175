import type { Printer } from '../../types.js';
import { NAME, col, name, printer } from './common.js';
import {
  namespace,
  configMap,
  secret,
  serviceAccount,
  service,
  pod,
  podTemplate,
  event,
  eventsV1Event,
  endpoints,
  replicationController,
  replicaSet,
  pvc,
  pv,
  resourceQuota,
} from './core.js';
import { deployment, statefulSet, daemonSet, controllerRevision, job, cronJob } from './workloads.js';
import {
  ingress,
  ingressClass,
  networkPolicy,
  podDisruptionBudget,
  horizontalPodAutoscaler,
  endpointSlice,
  roleBinding,
  lease,
  storageClass,
  csiDriver,
  csiNode,
  volumeAttachment,
  priorityClass,
  webhookConfiguration,
  validatingAdmissionPolicy,
  validatingAdmissionPolicyBinding,
  certificateSigningRequest,
} from './apis.js';

/**
 * Table printers for built-in kinds by `group/Kind` (apiserver-compat.md §8.6); kinds without one
 * get upstream's default Name + Created At table.
 */

/** Printers by `group/kind`. Kinds missing here get the default Name + Created At table. */
export const PRINTERS: Record<string, Printer> = {
  '/Namespace': namespace,
  '/ConfigMap': configMap,
  '/Secret': secret,
  '/ServiceAccount': serviceAccount,
  '/Service': service,
  '/Pod': pod,
  '/PodTemplate': podTemplate,
  '/Event': event,
  'events.k8s.io/Event': eventsV1Event,
  '/Endpoints': endpoints,
  '/ReplicationController': replicationController,
  '/PersistentVolumeClaim': pvc,
  '/PersistentVolume': pv,
  '/ResourceQuota': resourceQuota,
  'apps/Deployment': deployment,
  'apps/ReplicaSet': replicaSet,
  'apps/StatefulSet': statefulSet,
  'apps/DaemonSet': daemonSet,
  'apps/ControllerRevision': controllerRevision,
  'batch/Job': job,
  'batch/CronJob': cronJob,
  'networking.k8s.io/Ingress': ingress,
  'networking.k8s.io/IngressClass': ingressClass,
  'networking.k8s.io/NetworkPolicy': networkPolicy,
  'policy/PodDisruptionBudget': podDisruptionBudget,
  'autoscaling/HorizontalPodAutoscaler': horizontalPodAutoscaler,
  'discovery.k8s.io/EndpointSlice': endpointSlice,
  'rbac.authorization.k8s.io/RoleBinding': roleBinding,
  'rbac.authorization.k8s.io/ClusterRoleBinding': roleBinding,
  'coordination.k8s.io/Lease': lease,
  'storage.k8s.io/StorageClass': storageClass,
  'storage.k8s.io/CSIDriver': csiDriver,
  'storage.k8s.io/CSINode': csiNode,
  'storage.k8s.io/VolumeAttachment': volumeAttachment,
  'scheduling.k8s.io/PriorityClass': priorityClass,
  'admissionregistration.k8s.io/MutatingWebhookConfiguration': webhookConfiguration,
  'admissionregistration.k8s.io/ValidatingWebhookConfiguration': webhookConfiguration,
  'admissionregistration.k8s.io/ValidatingAdmissionPolicy': validatingAdmissionPolicy,
  'admissionregistration.k8s.io/ValidatingAdmissionPolicyBinding': validatingAdmissionPolicyBinding,
  'certificates.k8s.io/CertificateSigningRequest': certificateSigningRequest,
};

/**
 * Upstream's default table convertor for built-ins without a printer: Name plus the raw RFC 3339
 * creation time (kubectl shows it verbatim).
 */
export const CREATED_AT_PRINTER: Printer = printer(
  [
    NAME,
    col(
      'Created At',
      'date',
      'CreationTimestamp is a timestamp representing the server time when this object was created.',
    ),
  ],
  (o) => [name(o), o.metadata?.creationTimestamp ?? null],
);

export function printerForKind(group: string, kind: string): Printer {
  return PRINTERS[`${group}/${kind}`] ?? CREATED_AT_PRINTER;
}

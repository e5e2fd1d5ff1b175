/**
 * The binding controller (kubestellar-semantics.md §2): feeds BindingPolicies, ManagedClusters and
 * WDS workload objects into the Resolver as informer events arrive, and reconciles each changed
 * policy into its Binding object (create / update / delete, owned by the policy) and its status.
 */
import type { Logger } from 'pino';
import type { Binding, BindingPolicy } from '../../api/control.js';
import { BINDING_POLICY_FINALIZER } from '../../api/constants.js';
import { BINDING, BINDING_POLICY } from '../../api/gvr.js';
import type { KObject } from '../../api/meta.js';
import type { ApiResource } from '../../kube/discovery.js';
import type { DynamicClient } from '../../kube/dynamic.js';
import { isNotFound } from '../../kube/errors.js';
import { bindingSpecEqual, isEmptyBindingSpec } from '../binding/binding.js';
import { conditionListsEquivalent, computePolicyStatus } from '../binding/policy-status.js';
import { Resolver } from '../binding/resolver.js';
import { downsyncFingerprint } from '../transport/clean.js';
import { Controller } from '../runtime/controller.js';
import type { Informer } from '../runtime/informer.js';
import type { WorkloadEvents } from './workload.js';

export interface BindingControllerOptions {
  wds: DynamicClient;
  policies: Informer<BindingPolicy>;
  bindings: Informer<Binding>;
  clusters: Informer<KObject>;
  log: Logger;
  resolver?: Resolver;
  /** Told of object keys whose reported-state request may have changed (the status controller). */
  onRequestsChanged?(keys: string[]): void;
  /** Told of every workload object add/update, after the Resolver has seen it. */
  onObjectChanged?(res: ApiResource, obj: KObject): void;
}

export class BindingController implements WorkloadEvents {
  readonly resolver: Resolver;
  readonly controller: Controller;

  constructor(private readonly o: BindingControllerOptions) {
    this.resolver = o.resolver ?? new Resolver();
    this.controller = new Controller({
      name: 'binding',
      log: o.log,
      reconcile: (key) => this.reconcile(key),
    });
    o.policies.addEventHandler({
      onAdd: (p) => this.feed(() => this.resolver.upsertPolicy(p), p.metadata.name),
      onUpdate: (_old, p) => this.feed(() => this.resolver.upsertPolicy(p), p.metadata.name),
      onDelete: (p) => this.feed(() => this.resolver.removePolicy(p.metadata.name ?? ''), p.metadata.name),
    });
    o.clusters.addEventHandler({
      onAdd: (c) =>
        this.feed(() => this.resolver.upsertCluster(c.metadata?.name ?? '', c.metadata?.labels ?? {})),
      onUpdate: (_o, c) =>
        this.feed(() => this.resolver.upsertCluster(c.metadata?.name ?? '', c.metadata?.labels ?? {})),
      onDelete: (c) => this.feed(() => this.resolver.removeCluster(c.metadata?.name ?? '')),
    });
    // A Binding changed by someone else (or its status by the transport) -> resync the policy.
    const byOwner = (b: Binding) => b.metadata.name && this.controller.enqueue(b.metadata.name);
    o.bindings.addEventHandler({ onAdd: byOwner, onUpdate: (_o, b) => byOwner(b), onDelete: byOwner });
  }

  /** Applies one change to the Resolver and queues the policies it affected. */
  private feed(change: () => void, alsoEnqueue?: string): void {
    change();
    for (const name of this.resolver.takeChangedPolicies()) this.controller.enqueue(name);
    const requests = this.resolver.takeChangedRequests();
    if (requests.length) this.o.onRequestsChanged?.(requests);
    if (alsoEnqueue) this.controller.enqueue(alsoEnqueue);
  }

  upsert(res: ApiResource, obj: KObject): void {
    const m = obj.metadata ?? {};
    this.feed(() =>
      this.resolver.upsertObject({
        group: res.group,
        version: res.version,
        resource: res.resource,
        kind: res.kind,
        namespace: m.namespace ?? '',
        name: m.name ?? '',
        uid: m.uid ?? '',
        resourceVersion: m.resourceVersion ?? '',
        labels: m.labels,
        deleting: !!m.deletionTimestamp,
        fingerprint: downsyncFingerprint(obj),
      }),
    );
    this.o.onObjectChanged?.(res, obj);
  }

  remove(res: ApiResource, obj: KObject): void {
    const m = obj.metadata ?? {};
    this.feed(() =>
      this.resolver.removeObject({
        group: res.group,
        resource: res.resource,
        namespace: m.namespace ?? '',
        name: m.name ?? '',
      }),
    );
  }

  /** Brings the Binding named `name` and the policy's status in line with the resolution. */
  async reconcile(name: string): Promise<void> {
    const policy = this.o.policies.cache.getByName(name);
    let binding = this.o.bindings.cache.getByName(name);
    const desired =
      policy && !policy.metadata.deletionTimestamp ? this.resolver.desiredBinding(name) : undefined;
    if (!policy || !desired) {
      // Policy gone or going: its Binding goes too (the transport then removes the works), and
      // only then may the policy itself disappear.
      if (binding) await this.deleteBinding(binding);
      if (policy?.metadata.finalizers?.includes(BINDING_POLICY_FINALIZER))
        await this.setFinalizer(policy, false);
      return;
    }
    if (!policy.metadata.finalizers?.includes(BINDING_POLICY_FINALIZER)) {
      // The finalizer holds a deleted policy until its Binding is gone, even across engine downtime.
      await this.setFinalizer(policy, true);
      return; // the policy's update event brings us back
    }
    if (binding && binding.metadata.ownerReferences?.every((r) => r.uid !== policy.metadata.uid)) {
      // A leftover of an earlier policy with the same name: replace it.
      await this.deleteBinding(binding);
      binding = undefined;
    }
    if (!binding) {
      if (!isEmptyBindingSpec(desired.spec)) {
        binding = await this.o.wds.create<Binding>(BINDING, desired);
        this.o.log.info({ binding: name }, 'binding created');
      }
    } else if (!bindingSpecEqual(binding.spec, desired.spec)) {
      binding = await this.o.wds.update<Binding>(BINDING, {
        ...binding,
        metadata: { ...binding.metadata, ownerReferences: desired.metadata.ownerReferences },
        spec: desired.spec,
      });
      this.o.log.debug({ binding: name, generation: binding.metadata.generation }, 'binding updated');
    }
    await this.writePolicyStatus(policy, binding);
  }

  private async setFinalizer(policy: BindingPolicy, present: boolean): Promise<void> {
    const others = (policy.metadata.finalizers ?? []).filter((f) => f !== BINDING_POLICY_FINALIZER);
    const finalizers = present ? [...others, BINDING_POLICY_FINALIZER] : others;
    try {
      // JSON patch with a resourceVersion test: never overwrites a concurrent change of the list.
      await this.o.wds.patch(
        BINDING_POLICY,
        policy.metadata.name ?? '',
        [
          { op: 'test', path: '/metadata/resourceVersion', value: policy.metadata.resourceVersion },
          { op: 'add', path: '/metadata/finalizers', value: finalizers },
        ],
        { type: 'json' },
      );
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }

  private async deleteBinding(b: Binding): Promise<void> {
    try {
      await this.o.wds.delete(BINDING, b.metadata.name ?? '', {
        preconditions: b.metadata.uid ? { uid: b.metadata.uid } : undefined,
      });
      this.o.log.info({ binding: b.metadata.name }, 'binding deleted');
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }

  private async writePolicyStatus(policy: BindingPolicy, binding: Binding | undefined): Promise<void> {
    const status = computePolicyStatus({
      generation: policy.metadata.generation,
      binding,
      errors: this.resolver.policyErrors(policy.metadata.name ?? ''),
      previous: policy.status,
      synced: true,
      now: new Date(),
    });
    const cur = policy.status;
    const same =
      cur?.observedGeneration === status.observedGeneration &&
      JSON.stringify(cur?.errors ?? []) === JSON.stringify(status.errors ?? []) &&
      conditionListsEquivalent(cur?.conditions, status.conditions);
    if (same) return;
    await this.o.wds.updateStatus(BINDING_POLICY, { ...policy, status });
  }
}

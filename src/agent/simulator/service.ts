/** Simulated load-balancer controller: LoadBalancer Services get an ingress IP (when enabled). */
import type { KObject } from '../../api/meta.js';
import { finish, hashBytes, type SimContext, type SimResult } from './common.js';

/** A stable address in 172.18.255.0/24 (the range kind's cloud-provider examples use). */
export function loadBalancerIP(obj: KObject): string {
  const b = hashBytes(`${obj.metadata?.namespace}/${obj.metadata?.name}`);
  return `172.18.255.${(b[0] % 250) + 1}`;
}

export function simulateService(ctx: SimContext): SimResult | undefined {
  const { obj } = ctx;
  if (obj.spec?.type !== 'LoadBalancer' || !ctx.opts.loadBalancer) return undefined;
  // fail and stall: the address never arrives (the usual "<pending>" EXTERNAL-IP).
  if (ctx.behavior === 'fail' || ctx.behavior === 'stall') return finish(obj, { loadBalancer: {} });
  return finish(obj, { loadBalancer: { ingress: [{ ip: loadBalancerIP(obj), ipMode: 'VIP' }] } });
}

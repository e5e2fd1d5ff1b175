/**
 * TypeScript types and constants of the APIs KubeStellar speaks: `control.kubestellar.io`, OCM
 * (cluster and work) and the CRD templates. Depends on nothing else in the project.
 */
export * from './meta.js';
export * from './control.js';
export * from './ocm.js';
export * from './constants.js';
export * from './gvr.js';
export { crdsDir, loadCrds, wdsCrds, itsCrds, wecCrds } from './crds.js';

/**
 * The built-in Kubernetes resources a space serves: the resource table (discovery, scope, verbs,
 * subresources), each kind's schema, Table printer, field selectors and server-side strategy,
 * plus the objects every space starts with.
 */
export { builtinResources, GROUP_ORDER, STANDARD_VERBS } from './catalogue.js';
export { builtinSeedObjects } from './seed.js';
export { validateName } from './names.js';
export { Ipam, IpamError, IpamTransaction } from './ipam.js';
export { secretDataDecodeError } from './strategies/core.js';

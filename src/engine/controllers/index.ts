/** The engine's controllers: binding (policy -> Binding), transport (Binding -> ManifestWorks). */
export * from './crds.js';
export * from './workload.js';
export * from './binding.js';
export * from './transport.js';
export * from './uncapped.js';
export * from './status.js';

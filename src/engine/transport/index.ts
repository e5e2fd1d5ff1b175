/**
 * Transport: Binding -> ManifestWorks (cleaning, CustomTransforms, sharding, naming, write plan).
 * Pure; must not import the space or do I/O (objects are read through a caller-supplied getter).
 */
export * from './clean.js';
export * from './jsonpath.js';
export * from './customtransform.js';
export * from './manifestwork.js';
export * from './plan.js';

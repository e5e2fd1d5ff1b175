/**
 * The agent's I/O layer: registration, work agent, status add-on and workload simulator, and
 * `createAgent` composing them for one WEC. Talks to spaces only through `kube` clients.
 */
export * from './registration-agent.js';
export * from './simulator-driver.js';
export * from './work-agent.js';
export * from './status-addon.js';
export * from './agent.js';

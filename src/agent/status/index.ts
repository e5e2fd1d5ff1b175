/** WorkStatus objects of the status add-on (pure; the I/O layer creates and updates them). */
export * from './workstatus.js';

export * from './errors.js';
export * from './strings.js';
export * from './models.js';
export * from './api.js';
export * from './admin.js';
export * from './realtime.js';
export * from './sync.js';
export * from './rules.js';

// Public API of cdk8s-gitops. This file only re-exports.
export * from './errors';
export * from './image-ref';
export * from './render/tree';
export * from './render/yaml';

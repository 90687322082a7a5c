// Public API of cdk8s-gitops. This file only re-exports.
export * from './errors';
export * from './image-ref';
export * from './constructs/app-chart';
export * from './constructs/environment';
export * from './constructs/gitops-app';
export * from './constructs/gitops-chart';
export * from './constructs/kustomization';
export * from './constructs/resources';
export * from './constructs/web-service';
export * from './render/layout';
export * from './render/render';
export * from './render/tree';
export * from './render/yaml';
export * from './testing';
export * from './pins/image-pins';
export * from './pins/pins-file';
export * from './pins/atomic-write';

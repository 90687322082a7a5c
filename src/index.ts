// Public API of cdk8s-gitops. This file only re-exports, layer by layer.
export * from './errors';
export * from './git-url';
export * from './image-ref';
export * from './cache-dir';

// yaml (below every layer)
export * from './yaml';

// constructs (also src/constructs/index.ts, the constructs module's entry point)
export * from './constructs';
export * from './constructs/app-chart';
export * from './constructs/argo-application';
export * from './constructs/argo-application-set';
export * from './constructs/argo-cd';
export * from './constructs/argo-project';
export * from './constructs/argo-sync';
export * from './constructs/cluster';
export * from './constructs/environment';
export * from './constructs/gitops-app';
export * from './constructs/gitops-chart';
export * from './constructs/kustomization';
export * from './constructs/managed-namespace';
export * from './constructs/migration-job';
export * from './constructs/problem-validation';
export * from './constructs/replicated-workload';
export * from './constructs/rendered-patch';
export * from './constructs/resources';
export * from './constructs/scheduled-job';
export * from './constructs/web-service';
export * from './constructs/worker';
export * from './constructs/pod-spec';
export * from './constructs/workload';
export * from './constructs/workload-props';

// render
export type { TreeEntry, TreeObjects } from './_git-tree';
export * from './render/disk-tree';
export * from './render/layout';
export * from './render/render';
export * from './render/tree';
export * from './testing';

// validate
export * from './validate/cdk8s-plugin';
export * from './validate/duplicate-objects';
export * from './validate/finding';
export * from './validate/gate';
export * from './validate/publish-gate';
export * from './validate/kubernetes-versions';
export * from './validate/kustomize-build';
export * from './validate/rules';
export * from './validate/tree-shape';
export * from './validate/validate-dir';
export * from './validate/validate-folders';
export * from './validate/validate-tree';
export * from './validate/yaml-safety';

// publish
export * from './publish/allow-deletions';
export * from './publish/diff';
export * from './publish/defaults';
export * from './publish/diff-format';
export * from './publish/history';
export * from './publish/publish';
export * from './publish/publish-error';
export * from './publish/rollback';

// image pins
export * from './pins/atomic-write';
export * from './pins/defaults';
export * from './pins/image-pins';
export * from './pins/pin-edits';
export * from './pins/pins-file';
export * from './pins/registry';

// promotion
export * from './promotion/duration';
export * from './promotion/pipeline';
export * from './promotion/promotion';
export * from './promotion/promotion-error';
export * from './promotion/pull-request';
export * from './promotion/stage-history';
export * from './promotion/status';

// scaffold a config repo
export * from './init/scaffold';

// migrate
export * from './migrate/migrate';

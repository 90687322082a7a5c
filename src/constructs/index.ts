// The constructs module's public entry point: every construct, one re-export per file.
export * from './app-chart';
export * from './argo-application';
export * from './argo-application-set';
export * from './argo-cd';
export * from './argo-project';
export * from './argo-sync';
export * from './environment';
export * from './gitops-app';
export * from './gitops-chart';
export * from './kustomization';
export * from './problem-validation';
export * from './replicated-workload';
export * from './resources';
export * from './web-service';
export * from './workload';

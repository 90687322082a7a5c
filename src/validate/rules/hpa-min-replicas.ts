import { PolicyRule } from './_rule';

/** Annotation marking an object whose environment asks for high availability (set by `Autoscaler`). */
const HIGH_AVAILABILITY = 'cdk8s-gitops.io/high-availability';

/** An autoscaler in an environment that asks for high availability keeps at least 2 replicas. */
export const hpaMinReplicas: PolicyRule = {
  id: 'hpa-min-replicas',
  severity: 'error',
  rationale: 'An autoscaler allowed down to one replica leaves a highly available service with a single pod in quiet hours.',
  check({ object }) {
    if (object.kind !== 'HorizontalPodAutoscaler' || object.metadata?.annotations?.[HIGH_AVAILABILITY] !== 'true') return [];
    const min = typeof object.spec?.minReplicas === 'number' ? object.spec.minReplicas : 1;
    return min >= 2 ? [] : [{
      field: 'spec.minReplicas',
      message: `is ${min} but the environment asks for high availability (${HIGH_AVAILABILITY}): set it to 2 or more`,
      value: object.spec?.minReplicas,
    }];
  },
};

import { podTemplateOf, selects } from './_pod';
import { PolicyRule } from './_rule';

/** A Service's selector matches the pod template of a workload in the same folder. */
export const serviceSelector: PolicyRule = {
  id: 'service-selector',
  severity: 'error',
  rationale: 'A Service that selects no pod has no endpoints: traffic to it fails while everything looks healthy.',
  check({ object, folder }) {
    if (object.kind !== 'Service' || object.spec?.type === 'ExternalName') return [];
    const selector = object.spec?.selector;
    if (selector === undefined || selector === null) return [];
    const matched = folder.some(o => {
      const pod = podTemplateOf(o.object);
      return pod !== undefined && selects(selector, pod.labels);
    });
    return matched ? [] : [{
      field: 'spec.selector',
      message: 'matches the pod template of no workload in this folder: align it with the Deployment\'s template labels',
      value: selector,
    }];
  },
};

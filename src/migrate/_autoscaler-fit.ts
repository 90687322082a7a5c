import { ConstructFit, FitContext, constructFit, shapeProblem, extraField, isInteger, namespaceProblem } from './_construct-fit';
import { Code } from './_ts';
import { checkSubdomain } from '../constructs/_hosts';
import { HIGH_AVAILABILITY_ANNOTATION } from '../constructs/autoscaler';

/**
 * Whether a HorizontalPodAutoscaler (autoscaling/v2) is what `Autoscaler`
 * renders for a WebService or Worker of the program: its Deployment as the target,
 * min/max replicas, and CPU and/or memory utilisation targets. Returns the
 * fit, or why not.
 */
export function fitAutoscaler(j: Record<string, any>, ctx: FitContext, where = ''): ConstructFit | string {
  const name = j.metadata?.name;
  const why = (reason: string) => `HorizontalPodAutoscaler ${name}${where ? ` (${where})` : ''} stays a typed k8s object, not an Autoscaler: ${reason}`;
  if (j.apiVersion !== 'autoscaling/v2') return why(`apiVersion ${j.apiVersion} (Autoscaler writes autoscaling/v2)`);

  const shape = shapeProblem(j, true);
  if (shape) return why(shape); const s = j.spec;
  const problem = extraField(j, ['apiVersion', 'kind', 'metadata', 'spec'], 'object')
    ?? extraField(j.metadata, ['name', 'namespace', 'labels', 'annotations'], 'metadata')
    ?? extraField(s, ['scaleTargetRef', 'minReplicas', 'maxReplicas', 'metrics'], 'spec')
    ?? extraField(s?.scaleTargetRef, ['apiVersion', 'kind', 'name'], 'spec.scaleTargetRef')
    ?? namespaceProblem(j, ctx.namespace);
  if (problem) return why(problem);
  const annotations = Object.entries(j.metadata.annotations ?? {});
  if (annotations.some(([k, v]) => k !== HIGH_AVAILABILITY_ANNOTATION || v !== 'true')) return why(`metadata.annotations other than ${HIGH_AVAILABILITY_ANNOTATION}: "true"`);
  const nameProblem = checkSubdomain('', 'name', name);
  if (nameProblem) return why(`the name ${nameProblem.message}`);
  const ref = s.scaleTargetRef;
  if (ref?.apiVersion !== 'apps/v1' || ref?.kind !== 'Deployment') return why('spec.scaleTargetRef is not an apps/v1 Deployment');
  const min = s.minReplicas ?? 1;
  if (!isInteger(min, 1, Number.MAX_SAFE_INTEGER)) return why(`spec.minReplicas ${JSON.stringify(min)} is not a whole number >= 1`);
  if (!isInteger(s.maxReplicas, min, Number.MAX_SAFE_INTEGER)) return why(`spec.maxReplicas ${JSON.stringify(s.maxReplicas)} is not a whole number >= spec.minReplicas (${min})`);
  const targets: Record<string, number> = {};
  const metrics = s.metrics;
  if (!Array.isArray(metrics) || !metrics.length) return why('spec.metrics is empty (Autoscaler needs a CPU or memory target)');
  for (const [i, m] of metrics.entries()) {
    const f = `spec.metrics[${i}]`;
    const resource = m?.resource?.name;
    if (m?.type !== 'Resource' || (resource !== 'cpu' && resource !== 'memory')) return why(`${f} is not a cpu or memory Resource metric`);
    if (m.resource.target?.type !== 'Utilization') return why(`${f}.resource.target.type ${JSON.stringify(m.resource.target?.type)} (Autoscaler targets Utilization)`);
    const mp = extraField(m ?? null, ['type', 'resource'], f) ?? extraField(m.resource, ['name', 'target'], `${f}.resource`)
      ?? extraField(m.resource.target, ['type', 'averageUtilization'], `${f}.resource.target`);
    if (mp) return why(mp);
    const value = m.resource.target.averageUtilization;
    if (!isInteger(value, 1, 100)) return why(`${f}.resource.target.averageUtilization ${JSON.stringify(value)} is not a whole percentage 1-100`);
    if (resource in targets) return why(`${f} is a second ${resource} metric`);
    targets[resource] = value;
  }
  // Last: what does not fit is said first, and keeps a Deployment from becoming a Worker (see planWorkloads).
  const target = ctx.workloads.find(w => w.name === ref.name);
  if (!target) return why(`its target Deployment ${JSON.stringify(ref.name)} is not a WebService or Worker here (Autoscaler scales one)`);
  const props: Record<string, unknown> = {
    ...(name !== target.name ? { name } : {}),
    target: new Code(target.variable),
    minReplicas: min,
    maxReplicas: s.maxReplicas,
    ...(targets.cpu !== undefined ? { cpuUtilization: targets.cpu } : {}),
    ...(targets.memory !== undefined ? { memoryUtilization: targets.memory } : {}),
    ...(annotations.length ? { highAvailability: true } : {}),
  };
  return constructFit({
    className: 'Autoscaler',
    props,
    target: target.variable,
    comments: [`The autoscaler owns the replica count: ${target.name}'s Deployment renders no replicas (Argo CD's self-heal would reset each scale-out).`],
  });
}

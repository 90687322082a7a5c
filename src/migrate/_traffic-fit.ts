import { fitAutoscaler } from './_autoscaler-fit';
import { fitConfigMap } from './_config-map-fit';
import { ConstructFit, FitContext } from './_construct-fit';
import { fitNetworkPolicy } from './_network-fit';
import { fitHttpRoute, fitIngress } from './_route-fit';

export type { ConstructFit, FitContext, TrafficConstruct, WebServiceTarget, WorkloadTarget } from './_construct-fit';

/** The fits of the traffic and config objects, and why the others do not fit. */
export interface TrafficFits {
  /** Input index → its construct. */
  readonly fits: Map<number, ConstructFit>;
  /** Input indexes another object's construct renders too (NetworkIsolation's allow-dns) → that object's index. */
  readonly covered: Map<number, number>;
  /** Why objects of these kinds stay typed or plain objects. */
  readonly notes: string[];
}

/**
 * Whether one input object is an Ingress, HTTPRoute, HorizontalPodAutoscaler,
 * NetworkPolicy or ConfigMap one of the constructs expresses: its fit, the
 * reason it is not (a note), or undefined for other kinds.
 */
export function fitTrafficObject(j: Record<string, any>, index: number, ctx: FitContext): ConstructFit | string | undefined {
  const group = String(j.apiVersion).split('/')[0];
  // Notes name the input file and document.
  const source = ctx.objects[index];
  const where = source?.json === j ? `${source.file}#${source.document}` : '';
  if (j.kind === 'Ingress' && group === 'networking.k8s.io') return fitIngress(j, ctx, where);
  if (j.kind === 'HTTPRoute' && group === 'gateway.networking.k8s.io') return fitHttpRoute(j, ctx, where);
  if (j.kind === 'HorizontalPodAutoscaler' && group === 'autoscaling') return fitAutoscaler(j, ctx, where);
  if (j.kind === 'NetworkPolicy' && group === 'networking.k8s.io') return fitNetworkPolicy(j, index, ctx, where);
  if (j.kind === 'ConfigMap' && j.apiVersion === 'v1') return fitConfigMap(j, ctx, where);
  return undefined;
}

/** Fits every input object not yet handled; one construct per object, one `Autoscaler` per workload. */
export function fitTrafficObjects(handled: ReadonlySet<number>, ctx: FitContext): TrafficFits {
  const fits = new Map<number, ConstructFit>();
  const covered = new Map<number, number>();
  const reasons = new Map<number, string>();
  const autoscalers = new Map<string, string>();
  ctx.objects.forEach((o, index) => {
    if (handled.has(index)) return;
    let fit = fitTrafficObject(o.json, index, ctx);
    if (fit === undefined) return;
    if (typeof fit !== 'string' && fit.className === 'Autoscaler') {
      const other = autoscalers.get(fit.target!);
      if (other !== undefined) fit = `HorizontalPodAutoscaler ${o.json.metadata?.name} (${o.file}#${o.document}) stays a typed k8s object, not an Autoscaler: ${other} scales its Deployment already`;
      else autoscalers.set(fit.target!, `HorizontalPodAutoscaler ${o.json.metadata?.name}`);
    }
    if (typeof fit === 'string') reasons.set(index, fit);
    else fits.set(index, fit);
  });
  // With egress denied, allowFrom renders the client's egress policy: an input policy of that name is that object
  // (two objects of one name would collide), rendered by the construct and compared with the input.
  const denied = [...fits.values()].some(f => f.className === 'NetworkIsolation' && f.props.denyEgress === true);
  for (const [index, fit] of denied ? fits : []) {
    const also = fit.egressPolicies.flatMap(name => {
      const i = ctx.objects.findIndex((o, k) => !handled.has(k) && !fits.has(k) && o.json.kind === 'NetworkPolicy' && o.json.metadata?.name === name
        && (o.json.metadata.namespace ?? ctx.namespace) === ctx.namespace);
      return i >= 0 ? [{ index: i, name }] : [];
    });
    if (also.length) fits.set(index, { ...fit, also: [...fit.also, ...also] });
  }
  // Companion objects (NetworkIsolation's allow-dns, allowFrom's egress policy) are rendered by their construct: no statement, no note of their own.
  for (const [index, fit] of fits) {
    for (const a of fit.also) {
      covered.set(a.index, index);
      reasons.delete(a.index);
    }
  }
  return { fits, covered, notes: [...reasons.values()] };
}

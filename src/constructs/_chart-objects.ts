import { ApiObject, Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import { DeferredObject, DeferredParts, rawChildren } from './_deferred';

/**
 * The ApiObjects whose nearest Chart is `chart`, in `chart.node.findAll()`
 * (pre-order) order: what filtering `findAll()` with
 * `Chart.of(o) === chart` gives, without walking up from every construct to
 * its chart; the subtrees of nested charts are not entered.
 *
 * Deferred parts (`DeferredParts`) not built yet are built for good, unless
 * `transient` is given: then they are built for this use only and listed in
 * it, for the caller to `release()` once done with the objects.
 */
export function chartObjects(chart: Chart, transient?: DeferredParts[]): ApiObject[] {
  const out: ApiObject[] = [];
  const visit = (c: IConstruct) => {
    if (ApiObject.isApiObject(c)) out.push(c);
    const deferred = DeferredParts.of(c);
    if (deferred && !(transient && deferred.buildForRender() && transient.push(deferred))) deferred.ensure();
    for (const child of rawChildren(c)) if (!Chart.isChart(child)) visit(child);
  };
  visit(chart);
  return out;
}

/**
 * What the checks before the render need of each ApiObject whose nearest
 * chart is `chart` (`chartObjects`' order), deferred parts included without
 * building them.
 */
export function chartObjectFacts(chart: Chart): DeferredObject[] {
  const out: DeferredObject[] = [];
  const visit = (c: IConstruct) => {
    if (ApiObject.isApiObject(c)) {
      out.push({ path: c.node.path, apiVersion: c.apiVersion, kind: c.kind, name: c.name, namespace: c.metadata.namespace });
    }
    for (const child of rawChildren(c)) if (!Chart.isChart(child)) visit(child);
    // Not built: its objects would be its last children.
    const deferred = DeferredParts.of(c);
    if (deferred?.pending) out.push(...deferred.renderedObjects());
  };
  visit(chart);
  return out;
}

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
  walkChart(chart, c => {
    if (ApiObject.isApiObject(c)) out.push(c);
    const deferred = DeferredParts.of(c);
    if (!deferred) return;
    if (!transient) deferred.ensure();
    else if (deferred.buildForRender()) transient.push(deferred);
  });
  return out;
}

/**
 * What the checks before the render need of each ApiObject whose nearest
 * chart is `chart` (`chartObjects`' order), deferred parts included without
 * building them.
 */
export function chartObjectFacts(chart: Chart): DeferredObject[] {
  const out: DeferredObject[] = [];
  walkChart(chart, c => {
    if (ApiObject.isApiObject(c)) {
      out.push({ path: c.node.path, apiVersion: c.apiVersion, kind: c.kind, name: c.name, namespace: c.metadata.namespace });
    }
  }, c => {
    // Not built: its objects would be its last children.
    const deferred = DeferredParts.of(c);
    if (deferred?.pending) out.push(...deferred.renderedObjects());
  });
  return out;
}

/**
 * `chart` and the constructs whose nearest chart it is, pre-order (nested
 * charts' subtrees not entered): `enter` before a construct's children are
 * listed (it may build them), `leave` after they are visited.
 */
function walkChart(chart: Chart, enter: (c: IConstruct) => void, leave?: (c: IConstruct) => void): void {
  const visit = (c: IConstruct) => {
    enter(c);
    for (const child of rawChildren(c)) if (!Chart.isChart(child)) visit(child);
    leave?.(c);
  };
  visit(chart);
}

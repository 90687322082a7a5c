import { ApiObject, Chart } from 'cdk8s';
import { IConstruct } from 'constructs';

/**
 * The ApiObjects whose nearest Chart is `chart`, in `chart.node.findAll()`
 * (pre-order) order: what filtering `findAll()` with
 * `Chart.of(o) === chart` gives, without walking up from every construct to
 * its chart; the subtrees of nested charts are not entered.
 */
export function chartObjects(chart: Chart): ApiObject[] {
  const out: ApiObject[] = [];
  const visit = (c: IConstruct) => {
    if (ApiObject.isApiObject(c)) out.push(c);
    for (const child of c.node.children) if (!Chart.isChart(child)) visit(child);
  };
  visit(chart);
  return out;
}

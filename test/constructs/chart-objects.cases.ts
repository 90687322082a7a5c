import { ApiObject, App, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { chartObjects } from '../../src/constructs/_chart-objects';

describe('chartObjects', () => {
  test('GIVEN a chart with objects at several depths and a nested chart WHEN listed THEN they are the findAll() objects whose chart it is, in findAll() order', () => {
    // GIVEN
    const chart = new Chart(new App(), 'outer');
    const cm = (scope: Construct, id: string) => new ApiObject(scope, id, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: id } });
    cm(chart, 'a');
    const group = new Construct(chart, 'group');
    cm(group, 'b');
    const inner = new Chart(group, 'inner');
    cm(inner, 'c');
    cm(new Construct(inner, 'deep'), 'd');
    cm(chart, 'e');
    // WHEN
    const listed = chartObjects(chart);
    // THEN
    expect(listed.map(o => o.node.id)).toEqual(['a', 'b', 'e']);
    expect(listed).toEqual(chart.node.findAll().filter(o => ApiObject.isApiObject(o) && Chart.of(o) === chart));
    expect(chartObjects(inner).map(o => o.node.id)).toEqual(['c', 'd']);
  });
});

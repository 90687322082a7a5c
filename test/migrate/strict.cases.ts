import { formatProblem } from '../../src/errors';
import { strictProblems } from '../../src/migrate/_strict';

describe('migrate --strict: a round trip that is not exact is an error', () => {
  test('GIVEN an exact comparison WHEN checked THEN no problem', () => {
    expect(strictProblems({ objects: [{ file: 'a.yaml', document: 1, kind: 'ConfigMap', name: 'a', rendered: 'dev/a/configmap-a.yaml', changes: [] }], added: [] })).toEqual([]);
  });

  test('GIVEN a changed, an added and a removed field, an object not rendered and one rendered in excess WHEN checked THEN each names file, field and value', () => {
    // GIVEN
    const comparison = {
      objects: [
        {
          file: 'k8s/web.yaml',
          document: 2,
          kind: 'Ingress',
          name: 'shop',
          rendered: 'dev/shop/ingress-shop.yaml',
          changes: [
            { op: 'changed' as const, field: 'spec.rules[0].host', pointer: '/spec/rules/0/host', from: 'a.example.com', to: 'b.example.com' },
            { op: 'added' as const, field: 'metadata.labels', pointer: '/metadata/labels', to: { app: 'shop' } },
            { op: 'removed' as const, field: 'spec.ingressClassName', pointer: '/spec/ingressClassName', from: 'nginx' },
          ],
        },
        { file: 'k8s/web.yaml', document: 3, kind: 'ConfigMap', name: 'c', changes: [] },
      ],
      added: [{ file: 'dev/shop/poddisruptionbudget-shop.yaml', json: { kind: 'PodDisruptionBudget', metadata: { name: 'shop' } } }],
    };
    // WHEN
    const lines = strictProblems(comparison).map(formatProblem);
    // THEN
    expect(lines).toEqual([
      '[k8s/web.yaml] \'spec.rules[0].host\' of Ingress shop (document 2): --strict renders another value than the input\'s "a.example.com" (got "b.example.com")',
      '[k8s/web.yaml] \'metadata.labels\' of Ingress shop (document 2): --strict renders a field the input does not set (got {"app":"shop"})',
      '[k8s/web.yaml] \'spec.ingressClassName\' of Ingress shop (document 2): --strict leaves out the input\'s value "nginx"',
      '[k8s/web.yaml] --strict does not render ConfigMap c (document 3)',
      '[dev/shop/poddisruptionbudget-shop.yaml] --strict renders PodDisruptionBudget shop, which is not in the input',
    ]);
  });
});

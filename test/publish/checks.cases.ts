import { checkTree } from '../../src/publish/_checks';
import { MARKER_FILE } from '../../src/publish/_marker';
import { PublishRefusedError } from '../../src/publish/publish-error';
import { unsafeTreePath } from '../../src/render/tree';
import { treeShapeFindings } from '../../src/validate/tree-shape';

const KUSTOMIZATION = 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: []\n';

/** The refusal reason `checkTree` throws for a tree of `paths` (each with a kustomization beside it), or undefined. */
function refusal(paths: readonly string[]): string | undefined {
  const tree = new Map<string, string>();
  for (const p of paths) {
    tree.set(p, 'a: 1\n');
    const slash = p.lastIndexOf('/');
    if (slash > 0) tree.set(`${p.slice(0, slash)}/kustomization.yaml`, KUSTOMIZATION);
  }
  try {
    checkTree(tree);
    return undefined;
  } catch (e) {
    if (e instanceof PublishRefusedError) return e.reason;
    throw e;
  }
}

describe('checkTree: unsafe paths', () => {
  test.each([
    ['../x.yaml'], ['dev/../x.yaml'], ['dev//x.yaml'], ['/dev/x.yaml'], ['C:/dev/x.yaml'], ['dev\\x.yaml'], ['dev/./x.yaml'], [MARKER_FILE],
  ])('%s is refused as an unsafe path (before the shape rules)', p => {
    expect(refusal(['dev/ok/a.yaml', p])).toBe('unsafe-path');
  });

  test('shape problems alone are refused as such', () => {
    expect(refusal(['dev/Bad_Name/a.yaml'])).toBe('tree-shape');
    expect(refusal(['dev/ok/a.yaml'])).toBeUndefined();
  });

  test('every path the shape rules pass is a safe path (so checkTree looks at paths one by one only when they fail)', () => {
    // Every path of up to three segments over an alphabet of the characters that matter.
    const parts = ['', '.', '..', 'a', 'b-1', 'A', '-', 'a.yaml', 'A.b_c.yml', '.a.yaml', 'a\\b.yaml', 'c:', 'c:x.yaml', '_.yaml', MARKER_FILE];
    let checked = 0;
    for (const a of parts) {
      for (const b of [undefined, ...parts]) {
        for (const c of [undefined, ...parts]) {
          const p = [a, b, c].filter(s => s !== undefined).join('/');
          for (const path of [p, `/${p}`]) {
            if (treeShapeFindings(new Map([[path, 'a: 1\n']])).length === 0) {
              checked++;
              expect({ path, unsafe: unsafeTreePath(path) }).toEqual({ path, unsafe: undefined });
            }
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(15);
  });
});

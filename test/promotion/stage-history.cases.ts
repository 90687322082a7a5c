import { execFileSync } from 'child_process';
import { PromotionRepo, at, img } from './_repo';
import { StageHistory, kustomizationImages } from '../../src/promotion/stage-history';
import { publishTree } from '../../src/publish/publish';

describe('kustomizationImages', () => {
  test('the renderer\'s layout: name, newName, newTag (plain or quoted), digest', () => {
    const digest = `sha256:${'a'.repeat(64)}`;
    const text = [
      'apiVersion: kustomize.config.k8s.io/v1beta1',
      'kind: Kustomization',
      'resources:',
      '  - deployment-hello.yaml',
      'images:',
      '  - name: ghcr.io/example/hello',
      '    newTag: "1.10"',
      `    digest: ${digest}`,
      '  - name: worker',
      '    newName: ghcr.io/example/worker',
      '    newTag: v2',
      'labels: []',
      '',
    ].join('\n');
    expect(kustomizationImages(text)).toEqual([`ghcr.io/example/hello:1.10@${digest}`, 'ghcr.io/example/worker:v2']);
  });

  test('other layouts go through the YAML parser and read the same', () => {
    expect(kustomizationImages('images: [{name: ghcr.io/example/hello, newTag: v1}]\n')).toEqual(['ghcr.io/example/hello:v1']);
    expect(kustomizationImages("images:\n- name: 'ghcr.io/example/hello'  # pinned\n  newTag: v1\n")).toEqual(['ghcr.io/example/hello:v1']);
    expect(kustomizationImages('resources: []\n')).toEqual([]);
    expect(kustomizationImages('images: [\n')).toEqual([]);
  });
});

describe('StageHistory', () => {
  const kustomization = (tag: string) => `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - configmap-x.yaml\nimages:\n  - name: ghcr.io/example/hello\n    newTag: ${tag}\n`;
  const configMap = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n';
  const folder = (dir: string, tag: string): Array<[string, string]> => [[`${dir}/kustomization.yaml`, kustomization(tag)], [`${dir}/configmap-x.yaml`, configMap]];

  test('clusters of a stage count as one version; a removed folder ends the run; an absent branch is empty', async () => {
    const repo = new PromotionRepo();
    try {
      expect((await StageHistory.read({ cwd: repo.dir, env: repo.env })).apps()).toEqual([]);
      repo.commitPins({}, at(0));
      const publish = async (hours: number, files: Array<[string, string]>) => {
        const d = at(hours).toISOString();
        await publishTree({ tree: new Map([...files].sort()), cwd: repo.dir, env: { ...repo.env, GIT_COMMITTER_DATE: d } });
      };
      await publish(0, [...folder('prod/eu/hello', 'v1'), ...folder('prod/us/hello', 'v1'), ...folder('dev/hello', 'v1')]);
      await publish(5, [...folder('prod/eu/hello', 'v2'), ...folder('prod/us/hello', 'v1'), ...folder('dev/hello', 'v1')]);
      await publish(6, [...folder('prod/eu/hello', 'v2'), ...folder('prod/us/hello', 'v2'), ...folder('dev/hello', 'v1')]);
      await publish(9, [...folder('prod/eu/hello', 'v2'), ...folder('prod/us/hello', 'v2')]);
      const h = await StageHistory.read({ cwd: repo.dir, env: repo.env });
      expect(h.ref).toBe('refs/heads/rendered-manifests');
      expect(h.runs('prod', 'hello').map(r => [r.version, r.since, r.until])).toEqual([
        [img('hello', 'v1'), at(0), at(5)],
        [`${img('hello', 'v1')}, ${img('hello', 'v2')}`, at(5), at(6)],
        [img('hello', 'v2'), at(6), undefined],
      ]);
      expect(h.runs('dev', 'hello').map(r => [r.since, r.until])).toEqual([[at(0), at(9)]]);
      expect(h.current('dev', 'hello')).toBeUndefined();
      expect(h.runsOf('prod', 'hello', img('hello', 'v1')).length).toBe(2);
      // the remote-tracking branch is read when it is ahead of the local one
      execFileSync('git', ['update-ref', 'refs/remotes/origin/rendered-manifests', 'rendered-manifests'], { cwd: repo.dir, env: repo.env });
      execFileSync('git', ['update-ref', 'refs/heads/rendered-manifests', 'rendered-manifests~1'], { cwd: repo.dir, env: repo.env });
      const fromRemote = await StageHistory.read({ cwd: repo.dir, env: repo.env });
      expect(fromRemote.ref).toBe('refs/remotes/origin/rendered-manifests');
      expect(fromRemote.current('dev', 'hello')).toBeUndefined();
    } finally {
      repo.cleanup();
    }
  }, 30_000);

  test('a bad branch or remote name is refused before git reads anything', async () => {
    const repo = new PromotionRepo();
    try {
      await expect(StageHistory.read({ cwd: repo.dir, env: repo.env, branch: '--upload-pack=x' }))
        .rejects.toThrow('[--upload-pack=x] is not a valid branch name (git check-ref-format --branch refuses it); pick another --branch');
      await expect(StageHistory.read({ cwd: repo.dir, env: repo.env, remote: '../x' }))
        .rejects.toThrow('[../x] is not a remote name (letters, digits, ".", "_", "-"); pick another --remote');
    } finally {
      repo.cleanup();
    }
  });
});

import { containersOf, podTemplateOf } from './_pod';
import { PolicyRule, RuleHit } from './_rule';
import { ImageRef } from '../../image-ref';

/** Every container image has a tag other than `latest`, or a digest. */
export const imagePinned: PolicyRule = {
  id: 'image-pinned',
  severity: 'error',
  rationale: 'An unpinned or `latest` image changes under a running app: rollbacks and diffs stop meaning anything.',
  check({ object }) {
    const pod = podTemplateOf(object);
    if (!pod) return [];
    const hits: RuleHit[] = [];
    for (const { container, path } of containersOf(pod)) {
      const image = container.image;
      const field = `${path}.image`;
      if (typeof image !== 'string' || image === '') {
        hits.push({ field, message: 'has no image', value: image });
        continue;
      }
      const ref = ImageRef.tryParse(image);
      if (typeof ref === 'string') {
        hits.push({ field, message: `is not pinned: ${ref.replace(/^invalid image reference "[^"]*": /, '')}; use a full tag (e.g. the commit SHA) or a digest`, value: image });
      } else if (ref.tag === 'latest' && ref.digest === undefined) {
        hits.push({ field, message: 'uses the "latest" tag, which moves: pin a version or commit-SHA tag, or a digest', value: image });
      }
    }
    return hits;
  },
};

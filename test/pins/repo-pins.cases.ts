import * as path from 'path';
import { ImagePins } from '../../src/pins/image-pins';

describe('the repository\'s images.yaml', () => {
  test('pins the example app in dev and prod to full commit SHAs', () => {
    // GIVEN the real pins file at the repository root
    const pins = ImagePins.load(path.join(__dirname, '..', '..', 'images.yaml'));
    // THEN
    expect(pins.apps()).toEqual(['hello']);
    expect(pins.environments('hello')).toEqual(['dev', 'prod']);
    for (const env of ['dev', 'prod']) {
      const ref = pins.get('hello', env)!;
      expect(ref.repository).toBe('ghcr.io/example/hello');
      expect(ref.tag).toMatch(/^[0-9a-f]{40}$/);
    }
  });
});

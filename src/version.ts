import { readFileSync } from 'fs';
import { dirname, join } from 'path';

/** This package's root folder and manifest (works from `src/` and `lib/src/`). */
function readManifest(): { root: string; pkg: Record<string, any> } {
  for (const rel of ['..', '../..']) {
    try {
      const pkg = JSON.parse(readFileSync(join(__dirname, rel, 'package.json'), 'utf8'));
      if (pkg.name === 'cdk8s-gitops') return { root: dirname(join(__dirname, rel, 'package.json')), pkg };
    } catch {
      // try the next location
    }
  }
  return { root: join(__dirname, '..'), pkg: { version: '0.0.0' } };
}

const manifest = readManifest();

export const VERSION: string = manifest.pkg.version;

/** This package's own package.json and the folder that holds it. */
export function ownPackage(): { readonly root: string; readonly manifest: Readonly<Record<string, any>> } {
  return { root: manifest.root, manifest: manifest.pkg };
}

import { readFileSync } from 'fs';
import { join } from 'path';

/** This package's version, read from its package.json (works from `src/` and `lib/src/`). */
function readVersion(): string {
  for (const rel of ['../package.json', '../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(join(__dirname, rel), 'utf8'));
      if (pkg.name === 'cdk8s-gitops') return pkg.version;
    } catch {
      // try the next location
    }
  }
  return '0.0.0';
}

export const VERSION: string = readVersion();

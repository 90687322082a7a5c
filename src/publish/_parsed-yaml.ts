import type * as Yaml from 'yaml';
import { loadYaml } from '../yaml/_vendored';

/**
 * The YAML documents of texts, each text parsed once: a commit's YAML check
 * and its image diff look at the same changed files. The yaml module loads
 * on first use (a publish that commits nothing never parses YAML).
 */
export class ParsedYaml {
  private readonly docs = new Map<string, Yaml.Document.Parsed[]>();

  /** Loads the yaml module now (e.g. while waiting for git), not at the first parse. */
  public load(): void {
    this.yaml();
  }

  /** The documents of `text` (with their errors, if any). */
  public of(text: string): Yaml.Document.Parsed[] {
    let docs = this.docs.get(text);
    if (!docs) {
      docs = [...this.yaml().parseAllDocuments(text, { prettyErrors: false }) as Iterable<Yaml.Document.Parsed>];
      this.docs.set(text, docs);
    }
    return docs;
  }

  private yaml(): typeof Yaml {
    // The compiled library's one-file build of `yaml` when it matches the installed package (see loadYaml).
    return loadYaml();
  }
}

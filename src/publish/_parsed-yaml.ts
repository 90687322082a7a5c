import type * as Yaml from 'yaml';

/**
 * The YAML documents of texts, each text parsed once: a commit's YAML check
 * and its image diff look at the same changed files. The yaml module loads
 * on first use (a publish that commits nothing never parses YAML).
 */
export class ParsedYaml {
  private readonly docs = new Map<string, Yaml.Document.Parsed[]>();

  /** The documents of `text` (with their errors, if any). */
  public of(text: string): Yaml.Document.Parsed[] {
    let docs = this.docs.get(text);
    if (!docs) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const yaml = require('yaml') as typeof Yaml;
      docs = [...yaml.parseAllDocuments(text, { prettyErrors: false }) as Iterable<Yaml.Document.Parsed>];
      this.docs.set(text, docs);
    }
    return docs;
  }
}

import type * as Yaml from 'yaml';
import { loadYaml } from '../yaml/_vendored';
import { readEmittedYaml } from '../yaml/read-emitted';

/** One YAML document of a text: its first error, if any, and its value. */
export interface ParsedDocument {
  /** The first error `yaml` reports in this document (undefined when it has none). */
  readonly error?: string;
  /** The document's value (`yaml`'s `toJS()`, which may throw, e.g. on too many aliases). */
  toJS(): unknown;
}

/**
 * The YAML documents of texts, each text parsed once: a commit's YAML check
 * and its image diff look at the same changed files. A text in the subset
 * the renderer emits is read by `readEmittedYaml`; any other text by the
 * `yaml` module, which loads on first use (a publish of rendered files never
 * loads it).
 */
export class ParsedYaml {
  private readonly docs = new Map<string, readonly ParsedDocument[]>();

  /** The documents of `text` (with their errors, if any). */
  public of(text: string): readonly ParsedDocument[] {
    let docs = this.docs.get(text);
    if (!docs) {
      const emitted = readEmittedYaml(text);
      docs = emitted ? [{ toJS: () => emitted.value }] : this.parse(text);
      this.docs.set(text, docs);
    }
    return docs;
  }

  private parse(text: string): ParsedDocument[] {
    // The compiled library's one-file build of `yaml` when it matches the installed package (see loadYaml).
    const docs = [...loadYaml().parseAllDocuments(text, { prettyErrors: false }) as Iterable<Yaml.Document.Parsed>];
    return docs.map(doc => ({ error: doc.errors.length ? String(doc.errors[0].message) : undefined, toJS: () => doc.toJS() }));
  }
}

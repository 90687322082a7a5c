import { Construct } from 'constructs';
import { checkAnnotations, checkLabels } from './_checks';
import { ValidationError } from '../errors';
import { ImageRef } from '../image-ref';

/** One `images:` entry of a kustomization (`kustomize edit set image`'s data). */
export interface KustomizationImage {
  /** The image name to match in the resources (the repository). */
  readonly name: string;
  /**
   * Replacement repository.
   *
   * @default - the name is kept
   */
  readonly newName?: string;
  /**
   * Tag to set.
   *
   * @default - no tag change
   */
  readonly newTag?: string;
  /**
   * Digest to set (`sha256:…`).
   *
   * @default - no digest change
   */
  readonly digest?: string;
}

/** Props of `Kustomization`. */
export interface KustomizationProps {
  /**
   * Namespace kustomize sets on every object.
   *
   * @default - none; the objects carry their namespace themselves
   */
  readonly namespace?: string;
  /**
   * Labels added to every object's metadata (not to selectors). The rendered
   * objects carry them too, so raw files and `kustomize build` agree.
   *
   * @default - none
   */
  readonly labels?: Record<string, string>;
  /**
   * Annotations added to every object (also written into the raw objects).
   *
   * @default - none
   */
  readonly annotations?: Record<string, string>;
  /**
   * Extra resources besides the files rendered beside it (e.g. a remote base).
   *
   * @default - only the rendered files
   */
  readonly resources?: string[];
}

/**
 * A `kustomization.yaml` (`kustomize.config.k8s.io/v1beta1`) rendered beside
 * an app's objects. Its `resources` are the files actually rendered in the
 * folder; its `images` pin the same tag/digest as the objects, so an emergency
 * `kustomize edit set image` on the rendered branch still works.
 */
export class Kustomization extends Construct {
  /** Namespace set by kustomize, if any. */
  public readonly namespace?: string;
  private readonly labels: Record<string, string>;
  private readonly annotations: Record<string, string>;
  private readonly extraResources: string[];
  private readonly images = new Map<string, ImageRef>();

  constructor(scope: Construct, id: string, props: KustomizationProps = {}) {
    super(scope, id);
    const where = this.node.path;
    const problems = [
      ...checkLabels(where, 'labels', props.labels),
      ...checkAnnotations(where, 'annotations', props.annotations),
    ];
    if (problems.length) throw new ValidationError(problems);
    this.namespace = props.namespace;
    this.labels = { ...props.labels };
    this.annotations = { ...props.annotations };
    this.extraResources = [...(props.resources ?? [])];
  }

  /** Common labels, also applied to the raw objects at render time. */
  public get commonLabels(): Record<string, string> {
    return { ...this.labels };
  }

  /** Common annotations, also applied to the raw objects at render time. */
  public get commonAnnotations(): Record<string, string> {
    return { ...this.annotations };
  }

  /** Adds a label to every object of the folder. */
  public addLabel(key: string, value: string): void {
    const problems = checkLabels(this.node.path, 'labels', { [key]: value });
    if (problems.length) throw new ValidationError(problems);
    this.labels[key] = value;
  }

  /** Adds an annotation to every object of the folder. */
  public addAnnotation(key: string, value: string): void {
    const problems = checkAnnotations(this.node.path, 'annotations', { [key]: value });
    if (problems.length) throw new ValidationError(problems);
    this.annotations[key] = value;
  }

  /** Adds a resource beyond the rendered files (e.g. a remote base URL). */
  public addResource(resource: string): void {
    this.extraResources.push(resource);
  }

  /**
   * Pins `image` in `images:`. Two different pins for one repository in the
   * same folder are an error: kustomize would rewrite both to one.
   */
  public addImage(image: ImageRef): void {
    const existing = this.images.get(image.repository);
    if (existing && !existing.equals(image)) {
      throw new ValidationError([{
        path: this.node.path,
        field: 'images',
        message: `pins ${existing} already; one folder can pin a repository to one tag/digest only`,
        value: image.toString(),
      }]);
    }
    this.images.set(image.repository, image);
  }

  /** The pinned images as kustomize `images:` entries, sorted by name. */
  public get imageEntries(): KustomizationImage[] {
    return [...this.images.values()]
      .sort((a, b) => (a.repository < b.repository ? -1 : 1))
      .map(i => ({
        name: i.repository,
        ...(i.tag !== undefined ? { newTag: i.tag } : {}),
        ...(i.digest !== undefined ? { digest: i.digest } : {}),
      }));
  }

  /**
   * The kustomization object, given the files rendered beside it. Keys follow
   * `kustomize edit`'s order.
   */
  public toJson(renderedFiles: readonly string[]): Record<string, unknown> {
    const resources = [...new Set([...renderedFiles].sort()), ...this.extraResources];
    const out: Record<string, unknown> = {
      apiVersion: 'kustomize.config.k8s.io/v1beta1',
      kind: 'Kustomization',
    };
    if (this.namespace) out.namespace = this.namespace;
    if (Object.keys(this.labels).length) out.labels = [{ pairs: sortRecord(this.labels), includeSelectors: false }];
    if (Object.keys(this.annotations).length) out.commonAnnotations = sortRecord(this.annotations);
    out.resources = resources;
    const images = this.imageEntries;
    if (images.length) out.images = images;
    return out;
  }
}

function sortRecord(r: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(r).sort(([a], [b]) => (a < b ? -1 : 1)));
}

import { formatImageChange, ImageChange } from './_images';
import { RENDERED_BY, RENDERED_BY_VALUE } from './_marker';

/** What goes into a rendered commit's message. */
export interface MessageParts {
  readonly subject: string;
  readonly imageChanges: readonly ImageChange[];
  readonly sourceCommit?: string;
  readonly sourceRepo?: string;
  readonly rollbackTo?: string;
  /** The newest source published before a rollback. */
  readonly rollbackFrom?: string;
  /** The checkout had uncommitted changes (`--allow-dirty`). */
  readonly sourceDirty?: boolean;
  /** The source the branch held, when an unrelated source replaced it (`--allow-unrelated-source`). */
  readonly sourceUnrelated?: string;
  /** Checks of the gate that were skipped (`validate`, `kustomize`), recorded as a `Checks-Skipped` trailer. */
  readonly checksSkipped?: readonly string[];
}

/** Subject, an `Images:` body, then the trailers (`Source-Commit`, `Source-Repo`, `Source-Dirty`, `Source-Unrelated`, `Rendered-By`, `Rollback-To`, `Rollback-From`, `Checks-Skipped`). */
export function commitMessage(parts: MessageParts): string {
  const subject = parts.subject.replace(/[\r\n]+/g, ' ').trim() || 'Render';
  const lines = [subject, ''];
  if (parts.imageChanges.length) {
    lines.push('Images:', ...parts.imageChanges.map(c => `- ${formatImageChange(c)}`), '');
  }
  if (parts.sourceCommit) lines.push(`Source-Commit: ${parts.sourceCommit}`);
  if (parts.sourceRepo) lines.push(`Source-Repo: ${parts.sourceRepo}`);
  if (parts.sourceDirty) lines.push('Source-Dirty: true');
  if (parts.sourceUnrelated) lines.push(`Source-Unrelated: ${parts.sourceUnrelated}`);
  lines.push(`${RENDERED_BY}: ${RENDERED_BY_VALUE}`);
  if (parts.rollbackTo) lines.push(`Rollback-To: ${parts.rollbackTo}`);
  if (parts.rollbackFrom) lines.push(`Rollback-From: ${parts.rollbackFrom}`);
  if (parts.checksSkipped?.length) lines.push(`Checks-Skipped: ${[...parts.checksSkipped].sort().join(', ')}`);
  return lines.join('\n') + '\n';
}

/** Parses `Key: value` trailer lines (as printed by `%(trailers:only,unfold)`). */
export function parseTrailers(text: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^([A-Za-z0-9-]+):\s*(.*)$/.exec(line.trim());
    if (m && !map.has(m[1])) map.set(m[1], m[2]);
  }
  return map;
}

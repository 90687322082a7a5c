import { BranchDiff, ObjectChange } from './diff';

// How a publish reports an image change (`hello/prod: 1.0 -> 1.1`), shared with the CLI.
export { formatImageChange } from './_images';

/** Output formats of a diff. */
export type DiffFormat = 'text' | 'markdown' | 'json';

/** Colours text for a terminal; the identity when colour is off. */
export type Styler = (style: 'red' | 'green' | 'yellow' | 'cyan' | 'dim' | 'bold', text: string) => string;

/** GitHub refuses comments over 65,536 characters; the unified diff is cut to fit. */
const MARKDOWN_PATCH_LIMIT = 60_000;

const SIGN = { added: '+', removed: '-', changed: '~' } as const;

/** True if the diff has any change. */
export function hasChanges(diff: BranchDiff): boolean {
  return diff.addedFiles.length + diff.removedFiles.length + diff.changedFiles.length > 0;
}

/** Renders a diff as `text` (terminal), `markdown` (PR comment, step summary) or `json`. */
export function formatDiff(diff: BranchDiff, format: DiffFormat, style: Styler = (_s, t) => t): string {
  if (format === 'json') return JSON.stringify(diff, null, 2) + '\n';
  if (format === 'markdown') return markdown(diff);
  return text(diff, style);
}

function against(diff: BranchDiff): string {
  return diff.base ? `${diff.base.ref.replace(/^refs\/(heads|remotes)\//, '')} (${diff.base.commit.slice(0, 12)})` : 'an empty branch (it does not exist yet)';
}

function counts(diff: BranchDiff): string {
  const n = (c: ObjectChange['change']) => diff.objects.filter(o => o.change === c).length;
  return `${n('changed')} changed, ${n('added')} added, ${n('removed')} removed object(s) in ${diff.changedFiles.length + diff.addedFiles.length + diff.removedFiles.length} file(s)`;
}

function objectName(o: ObjectChange): string {
  return `${o.kind} ${o.namespace ? `${o.namespace}/` : ''}${o.name}`;
}

function text(diff: BranchDiff, style: Styler): string {
  if (!hasChanges(diff)) return `No changes against ${against(diff)}.\n`;
  const colour = { added: 'green', removed: 'red', changed: 'yellow' } as const;
  const lines = [`${counts(diff)} against ${against(diff)}:`];
  for (const o of diff.objects) {
    const fields = o.fields.length ? style('dim', `  ${o.fields.join(', ')}`) : '';
    lines.push(`  ${style(colour[o.change], `${SIGN[o.change]} ${objectName(o)}`)}${fields}`);
  }
  lines.push('');
  for (const line of diff.patch.split('\n')) {
    if (line.startsWith('+++') || line.startsWith('---')) lines.push(style('bold', line));
    else if (line.startsWith('+')) lines.push(style('green', line));
    else if (line.startsWith('-')) lines.push(style('red', line));
    else if (line.startsWith('@@')) lines.push(style('cyan', line));
    else lines.push(line);
  }
  return lines.join('\n').replace(/\n*$/, '\n');
}

function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function markdown(diff: BranchDiff): string {
  const out = ['### Rendered manifests diff', ''];
  if (!hasChanges(diff)) {
    out.push(`No changes against \`${against(diff)}\`.`, '');
    return out.join('\n');
  }
  out.push(`**${counts(diff)}** against \`${against(diff)}\`.`, '');
  if (diff.objects.length) {
    out.push('| | Kind | Namespace | Name | Changed fields |', '|---|---|---|---|---|');
    for (const o of diff.objects) {
      const fields = o.fields.map(f => `\`${cell(f)}\``).join('<br>');
      out.push(`| ${SIGN[o.change]} | ${cell(o.kind)} | ${cell(o.namespace)} | ${cell(o.name)} | ${fields} |`);
    }
    out.push('');
  }
  let patch = diff.patch;
  if (patch.length > MARKDOWN_PATCH_LIMIT) {
    patch = `${patch.slice(0, MARKDOWN_PATCH_LIMIT)}\n... (cut: ${patch.length - MARKDOWN_PATCH_LIMIT} more characters; run cdk8s-gitops diff locally)\n`;
  }
  const fence = patch.includes('```') ? '~~~~' : '```';
  out.push('<details><summary>Unified diff</summary>', '', `${fence}diff`, patch.replace(/\n$/, ''), fence, '', '</details>', '');
  return out.join('\n');
}

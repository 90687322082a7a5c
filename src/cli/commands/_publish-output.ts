import { formatImageChange } from '../../publish/diff-format';
import { PublishResult } from '../../publish/publish';
import { CliIo, styler } from '../io';

/** Prints a publish or rollback result: one short line (plus image changes), or JSON. */
export function printWriteResult(io: CliIo, result: PublishResult, json: boolean, verb = 'published'): void {
  if (json) {
    io.out(JSON.stringify(result, null, 2) + '\n');
    return;
  }
  const s = styler(io);
  const short = result.commit.slice(0, 12);
  const pushed = result.pushed ? `; pushed to ${result.remoteUrl}` : '';
  if (result.status === 'unchanged') {
    io.out(`${s('dim', `${result.branch} is up to date at ${short}: nothing to ${verb === 'published' ? 'publish' : 'roll back'}`)}${pushed}\n`);
    return;
  }
  const stats = `${result.changed.length} changed, ${result.added.length} added, ${result.deleted.length} deleted`;
  const retries = result.attempts > 1 ? ` after ${result.attempts} attempts` : '';
  io.out(`${s('green', verb)} ${s('bold', result.branch)} ${short} (${stats})${pushed}${retries}\n`);
  for (const c of result.imageChanges) io.out(`  ${s('cyan', formatImageChange(c))}\n`);
}

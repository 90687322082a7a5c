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
  if (result.status === 'superseded' && result.supersededBy) {
    const by = result.supersededBy;
    io.out(by.rollbackTo
      ? `${s('yellow', 'superseded')} by rollback ${short}: ${result.branch} was rolled back to ${by.rollbackTo.slice(0, 12)} after source ${by.sourceCommit.slice(0, 12)}; `
        + 'nothing published (publish a newer source commit to move on)\n'
      : `${s('yellow', 'superseded')} by ${by.sourceCommit.slice(0, 12)}: ${result.branch} (${short}) already holds a newer source commit; nothing published\n`);
    return;
  }
  if (result.status === 'unchanged') {
    io.out(`${s('dim', `${result.branch} is up to date at ${short}: nothing to ${verb === 'published' ? 'publish' : 'roll back'}`)}${pushed}\n`);
    return;
  }
  const stats = `${result.changed.length} changed, ${result.added.length} added, ${result.deleted.length} deleted`;
  const retries = result.attempts > 1 ? ` after ${result.attempts} attempts` : '';
  const onto = result.pushedTo ? ` onto ${s('bold', result.branch)}` : '';
  io.out(`${s('green', verb)} ${s('bold', result.pushedTo ?? result.branch)} ${short}${onto} (${stats})${pushed}${retries}\n`);
  for (const c of result.imageChanges) io.out(`  ${s('cyan', formatImageChange(c))}\n`);
}

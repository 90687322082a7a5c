import { PinsFileEdit } from '../../pins/pins-file';
import { CliIo, styler } from '../io';

/** Prints the result of a pins edit: one `app/env[/image]: old → new` line per pin, or JSON. */
export function printPinsEdit(io: CliIo, edit: PinsFileEdit, displayFile: string, json: boolean): void {
  if (json) {
    io.out(`${JSON.stringify({
      file: displayFile,
      written: edit.written,
      changes: edit.changes.map(c => ({
        app: c.app,
        env: c.env,
        ...(c.image !== undefined ? { image: c.image } : {}),
        old: c.old?.toString() ?? null,
        new: c.new.toString(),
        changed: c.changed,
      })),
    }, undefined, 2)}\n`);
    return;
  }
  const s = styler(io);
  for (const c of edit.changes) {
    const where = s('bold', `${c.app}/${c.env}${c.image !== undefined ? `/${c.image}` : ''}`);
    if (!c.changed) {
      io.out(`${where}: ${c.new.toString()} ${s('dim', '(unchanged)')}\n`);
    } else {
      io.out(`${where}: ${s('red', c.old?.toString() ?? '(none)')} → ${s('green', c.new.toString())}\n`);
    }
  }
  io.out(edit.written ? `updated ${displayFile}\n` : `${displayFile} unchanged\n`);
}

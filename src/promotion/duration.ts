import { ValidationError } from '../errors';

const UNIT_MS = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1_000 } as const;
const DURATION = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/;

/**
 * A soak time such as `24h`, `1h30m`, `2d` or `0s`: whole days, hours,
 * minutes and seconds, largest unit first (the Go/Kargo duration style
 * without fractions).
 */
export class Duration {
  /** No soak. */
  public static readonly ZERO = new Duration(0);

  /**
   * Parses `text`. Throws `ValidationError` naming `where` (a file and field,
   * e.g. `pipeline.yaml: stages[2].soak`) with the accepted forms.
   */
  public static parse(text: string, where: string = 'duration'): Duration {
    const m = typeof text === 'string' ? DURATION.exec(text.trim()) : null;
    if (!m || text.trim() === '') {
      throw new ValidationError([{
        path: where,
        message: 'must be a duration like 30m, 24h, 1h30m or 2d (whole numbers of d, h, m, s, largest first)',
        value: text,
      }]);
    }
    const [, d, h, min, s] = m.map(x => Number(x ?? 0));
    return new Duration(d * UNIT_MS.d + h * UNIT_MS.h + min * UNIT_MS.m + s * UNIT_MS.s);
  }

  /** A duration of `ms` milliseconds (rounded down to whole seconds when formatted). */
  public static ofMillis(ms: number): Duration {
    return new Duration(Math.max(0, ms));
  }

  private constructor(
    /** The length in milliseconds. */
    public readonly millis: number,
  ) {}

  /** `1d 2h`, `21h 59m`, `2h`, `45s`, `0s`: the largest unit and the next one when it is not zero (rounded down). */
  public toString(): string {
    let rest = Math.floor(this.millis / 1000);
    const parts: Array<[number, string]> = [];
    for (const [unit, secs] of [['d', 86_400], ['h', 3_600], ['m', 60], ['s', 1]] as const) {
      const n = Math.floor(rest / secs);
      rest -= n * secs;
      parts.push([n, unit]);
    }
    const first = parts.findIndex(([n]) => n > 0);
    if (first < 0) return '0s';
    return parts.slice(first, first + 2).filter(([n]) => n > 0).map(([n, unit]) => `${n}${unit}`).join(' ');
  }
}

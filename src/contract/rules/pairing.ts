import { readFirstString, type PairSpec } from '../profile.js';

/** A key of a pair: the paths that may carry it, tried in order, and its name in messages. */
export interface PairKey {
  /** The last step of its paths, e.g. `tool_name` for `data.tool_name` and `tool_name`. */
  label: string;
  paths: string[][];
}

/** The keys of a pair's `by`: paths that end in the same name are one key, looked up in order. */
export function pairKeys(by: readonly string[]): PairKey[] {
  const keys: PairKey[] = [];
  for (const path of by) {
    const steps = path.split('.');
    const label = steps.at(-1) ?? path;
    const key = keys.find((k) => k.label === label);
    if (key === undefined) keys.push({ label, paths: [steps] });
    else key.paths.push(steps);
  }
  return keys;
}

/** A frame number and the key it carried, the first example of a problem. */
export interface Example {
  key: string;
  seq: number;
}

/** The opens and closes of one pair under one key, with everything that went wrong. */
export class KeyPairing {
  /** True while every open and close so far carried this key. */
  carriedByAll = true;
  /** Opens and closes that did not carry this key. */
  unkeyed = 0;
  calls = 0;
  /** Open keys -> the frame number of the open, or of each open, oldest first, when a key is open twice. */
  readonly pending = new Map<string, number | number[]>();
  readonly orphans = { count: 0, first: null as Example | null };
  readonly reopened = { count: 0, first: null as Example | null };
  /** Inside events with no open pair of their key (or no key at all: `key` empty). */
  readonly strays = { count: 0, first: null as Example | null };

  constructor(readonly key: PairKey) {}

  read(frame: unknown): string | null {
    return readFirstString(frame, this.key.paths);
  }

  // Almost always one key at a time is open: it is kept in two fields, and the map (with a list
  // for a key opened twice) is used only beside it, which keeps this per-event work cheap.
  private soleKey: string | null = null;
  private soleSeq = 0;

  private moveSoleToMap(): void {
    if (this.soleKey === null) return;
    this.pending.set(this.soleKey, this.soleSeq);
    this.soleKey = null;
  }

  private isOpen(key: string): boolean {
    return key === this.soleKey || this.pending.has(key);
  }

  open(key: string, seq: number): void {
    this.calls += 1;
    if (this.soleKey === null && this.pending.size === 0) {
      this.soleKey = key;
      this.soleSeq = seq;
      return;
    }
    this.moveSoleToMap();
    const open = this.pending.get(key);
    if (open === undefined) {
      this.pending.set(key, seq);
      return;
    }
    this.reopened.count += 1;
    this.reopened.first ??= { key, seq };
    if (typeof open === 'number') this.pending.set(key, [open, seq]);
    else open.push(seq);
  }

  close(key: string, seq: number): void {
    if (key === this.soleKey) {
      this.soleKey = null;
      return;
    }
    const open = this.pending.get(key);
    if (open === undefined) {
      this.orphans.count += 1;
      this.orphans.first ??= { key, seq };
      return;
    }
    if (typeof open === 'number' || open.length <= 1) {
      this.pending.delete(key);
      return;
    }
    open.shift();
    if (open.length === 1) this.pending.set(key, open[0] as number);
  }

  inside(key: string | null, seq: number): void {
    if (key !== null && this.isOpen(key)) return;
    this.strays.count += 1;
    this.strays.first ??= { key: key ?? '', seq };
  }

  /** The open that waited longest and how many never closed. */
  unclosed(): { count: number; oldest: Example | null } {
    let count = this.soleKey === null ? 0 : 1;
    let oldest: Example | null =
      this.soleKey === null ? null : { key: this.soleKey, seq: this.soleSeq };
    for (const [key, open] of this.pending) {
      count += typeof open === 'number' ? 1 : open.length;
      const seq = typeof open === 'number' ? open : open[0];
      if (seq !== undefined && (oldest === null || seq < oldest.seq)) oldest = { key, seq };
    }
    return { count, oldest };
  }
}

/** What a pair is called in messages: the words its open and close share (`tool` for tool_executing/tool_completed). */
export function pairLabel(pair: Pick<PairSpec, 'open' | 'close'>): string {
  const open = pair.open.split('_');
  const close = pair.close.split('_');
  const shared: string[] = [];
  for (let i = 0; i < Math.min(open.length, close.length) - 1; i += 1) {
    if (open[i] !== close[i]) break;
    shared.push(open[i] ?? '');
  }
  return shared.length === 0 ? `${pair.open}/${pair.close}` : shared.join(' ').toLowerCase();
}

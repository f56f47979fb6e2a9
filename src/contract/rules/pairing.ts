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
  /** Open keys -> their frame numbers, oldest first. */
  readonly pending = new Map<string, number[]>();
  readonly orphans = { count: 0, first: null as Example | null };
  readonly reopened = { count: 0, first: null as Example | null };
  /** Inside events with no open pair of their key (or no key at all: `key` empty). */
  readonly strays = { count: 0, first: null as Example | null };

  constructor(readonly key: PairKey) {}

  read(frame: unknown): string | null {
    return readFirstString(frame, this.key.paths);
  }

  open(key: string, seq: number): void {
    this.calls += 1;
    const seqs = this.pending.get(key);
    if (seqs === undefined) {
      this.pending.set(key, [seq]);
      return;
    }
    this.reopened.count += 1;
    this.reopened.first ??= { key, seq };
    seqs.push(seq);
  }

  close(key: string, seq: number): void {
    const seqs = this.pending.get(key);
    if (seqs === undefined) {
      this.orphans.count += 1;
      this.orphans.first ??= { key, seq };
      return;
    }
    seqs.shift();
    if (seqs.length === 0) this.pending.delete(key);
  }

  inside(key: string | null, seq: number): void {
    if (key !== null && this.pending.has(key)) return;
    this.strays.count += 1;
    this.strays.first ??= { key: key ?? '', seq };
  }

  /** The open that waited longest and how many never closed. */
  unclosed(): { count: number; oldest: Example | null } {
    let count = 0;
    let oldest: Example | null = null;
    for (const [key, seqs] of this.pending) {
      count += seqs.length;
      const seq = seqs[0];
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

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createJudge, type JudgeOptions } from '../../src/contract/judge.js';
import type { FrameRecord, FrameVerdict, SessionOutcome } from '../../src/contract/frames.js';
import type { Judgement, TriggerInfo } from '../../src/contract/types.js';
import { canonicalProfile } from './profiles.js';
import { createSimpleChecker } from './simple-checker.js';

/**
 * A hand-written session, one JSON object a line:
 * `{"at":ms,"out":frame}` sent, `{"at":ms,"in":frame}` received JSON, `{"at":ms,"text":"..."}`
 * received non-JSON text, `{"at":ms,"binary":bytes}` received binary, and a last
 * `{"end":SessionOutcome}`; `at` may be left out (unknown arrival time).
 */
export interface Transcript {
  frames: FrameRecord[];
  /** Ids of the first sent frame, or null when nothing was sent (a plain recording). */
  trigger: TriggerInfo | null;
  triggerFrame: unknown;
  outcome: SessionOutcome;
}

interface Line {
  at?: number;
  in?: unknown;
  out?: unknown;
  text?: string;
  binary?: number;
  end?: Partial<SessionOutcome>;
}

const DIRECTORY = new URL('../fixtures/transcripts/', import.meta.url);

function readId(frame: Record<string, unknown>, key: string): string | undefined {
  const payload = frame.payload as Record<string, unknown> | undefined;
  const value = frame[key] ?? payload?.[key];
  return typeof value === 'string' ? value : undefined;
}

function toTrigger(frame: unknown): TriggerInfo {
  const record = frame as Record<string, unknown>;
  const context = record.user_context as Record<string, unknown> | undefined;
  return {
    type: String(record.type),
    thread_id: readId(record, 'thread_id') ?? '',
    run_id: readId(record, 'run_id') ?? '',
    ...(typeof context?.user_id === 'string' ? { user_id: context.user_id } : {}),
  };
}

/** Reads `test/fixtures/transcripts/<name>.ndjson` into frame records, trigger and outcome. */
export function loadTranscript(name: string): Transcript {
  const path = fileURLToPath(new URL(`${name}.ndjson`, DIRECTORY));
  const lines = readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Line);
  const frames: FrameRecord[] = [];
  let trigger: TriggerInfo | null = null;
  let triggerFrame: unknown = undefined;
  let outcome: SessionOutcome = { reason: 'end_of_recording', close: null, durationMs: null };
  for (const line of lines) {
    if (line.end !== undefined) {
      outcome = { ...outcome, ...line.end };
      continue;
    }
    const base = { seq: frames.length + 1, atMs: line.at ?? null };
    if (line.out !== undefined) {
      const text = JSON.stringify(line.out);
      if (trigger === null) {
        trigger = toTrigger(line.out);
        triggerFrame = line.out;
      }
      frames.push({ ...base, dir: 'out', kind: 'json', data: line.out, size: text.length });
    } else if (line.text !== undefined) {
      frames.push({ ...base, dir: 'in', kind: 'text', text: line.text, size: line.text.length });
    } else if (line.binary !== undefined) {
      frames.push({ ...base, dir: 'in', kind: 'binary', size: line.binary });
    } else {
      const text = JSON.stringify(line.in);
      frames.push({ ...base, dir: 'in', kind: 'json', data: line.in, size: text.length });
    }
  }
  return { frames, trigger, triggerFrame, outcome };
}

/** Judges a transcript with the simple checker and default budgets (or `outcome` instead of its own end); returns the judgement and every verdict. */
export function judgeTranscript(
  name: string,
  overrides: Partial<JudgeOptions> = {},
  outcome?: SessionOutcome,
): { judgement: Judgement; verdicts: FrameVerdict[]; transcript: Transcript } {
  const transcript = loadTranscript(name);
  const judge = createJudge({
    profile: canonicalProfile(),
    trigger: transcript.trigger,
    triggerFrame: transcript.triggerFrame,
    checker: createSimpleChecker(),
    budgets: { firstEventMs: 15_000, totalMs: 30_000 },
    ...overrides,
  });
  const verdicts = transcript.frames.map((frame) => judge.observe(frame));
  return { judgement: judge.finish(outcome ?? transcript.outcome), verdicts, transcript };
}

import type { FrameRecord } from '../contract/frames.js';
import { stringifySafely, truncateText } from '../shared/fields.js';
import { escapeControl } from '../shared/printable.js';

// Characters of a frame shown by --verbose, after masking.
const VERBOSE_FRAME_CHARS = 400;

/**
 * One line per frame for --verbose: direction, sequence, arrival time and the frame itself, masked
 * by `redact` before it is shortened (no cut leaves part of a secret), control characters escaped.
 */
export function describeFrame(
  frame: FrameRecord,
  runIndex: number,
  runs: number,
  redact: (text: string) => string,
): string {
  const arrow = frame.dir === 'out' ? '→' : '←';
  const at = frame.atMs === null ? '' : ` +${Math.round(frame.atMs)}ms`;
  const body =
    frame.kind === 'json'
      ? stringifySafely(frame.data)
      : frame.kind === 'text'
        ? `(non-JSON text) ${frame.text ?? ''}`
        : `(binary, ${frame.size} bytes)`;
  const run = runs > 1 ? `[run ${runIndex + 1}] ` : '';
  // One line per frame, whatever it holds: its line breaks and escape sequences show escaped.
  const shown = escapeControl(truncateText(redact(body), VERBOSE_FRAME_CHARS));
  return `${run}${arrow} #${frame.seq}${at} ${shown}\n`;
}

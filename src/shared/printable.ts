// Text from a server is hostile: a terminal acts on escape sequences (clear the screen, set the
// window title), a lone carriage return overwrites a line, and GitHub Actions reads a line that
// starts with `::` (after any indentation) as a workflow command. These helpers make such text
// inert and visible.

// C0 controls, DEL and C1 controls; newline and tab are kept where a text keeps its lines.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;
// eslint-disable-next-line no-control-regex
const CONTROL_BUT_LAYOUT = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;
// Only DEL and C1: JSON.stringify escapes the C0 controls itself.
const JSON_UNESCAPED_CONTROL = /[\u007f-\u009f]/g;

function escapeOne(char: string): string {
  return `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/**
 * Escapes every control character (C0, ESC, DEL, C1) as `\u001b`, so that it shows instead of
 * acting; with `keepLines`, newlines and tabs stay, and CRLF becomes a newline.
 */
export function escapeControl(text: string, options: { keepLines?: boolean } = {}): string {
  if (!options.keepLines) return text.replace(CONTROL, escapeOne);
  return text.replace(/\r\n/g, '\n').replace(CONTROL_BUT_LAYOUT, escapeOne);
}

/** Escapes DEL and C1 controls in JSON text as `\u007f`, which JSON.stringify leaves raw. */
export function escapeJsonControl(json: string): string {
  return json.replace(JSON_UNESCAPED_CONTROL, escapeOne);
}

/**
 * Escapes the first colon of every line that GitHub Actions would read as a workflow command
 * (`::name ...::`, indentation ignored), so that only the commands ws-validate makes are ones.
 */
export function defuseWorkflowCommands(text: string): string {
  return text.replace(/^([ \t]*):(?=:)/gm, '$1\\u003a');
}

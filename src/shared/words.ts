import { UsageError } from './errors.js';

/**
 * Splits a line into words as a POSIX shell does, and nothing more: blanks separate words;
 * '…' keeps everything literally; "…" keeps everything but \" \\ \$ and \` (which lose their
 * backslash); a backslash outside quotes keeps the next character. Nothing is expanded, globbed or
 * run: `$HOME`, `*`, `|` and `;` are plain characters.
 */
export function splitWords(line: string, source = 'args'): string[] {
  const words: string[] = [];
  // The word being read, and whether one is (an empty quoted word is a word).
  let word = '';
  let inWord = false;
  let quote: "'" | '"' | null = null;
  for (let i = 0; i < line.length; i += 1) {
    const c = line.charAt(i);
    const next = line.charAt(i + 1);
    if (quote === "'") {
      if (c === "'") quote = null;
      else word += c;
    } else if (quote === '"') {
      if (c === '"') quote = null;
      else if (c === '\\' && next !== '' && '"\\$`'.includes(next)) word += line.charAt(++i);
      else word += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else if (c === '\\' && next !== '') {
      word += line.charAt(++i);
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (quote !== null) {
    throw new UsageError('UNTERMINATED_QUOTE', `${source}: a ${quote} quote is not closed`, {
      hint: `close it, or escape it with a backslash: \\${quote}`,
    });
  }
  if (inWord) words.push(word);
  return words;
}

import { describe, expect, it } from 'vitest';
import { splitWords } from '../../src/shared/words.js';

describe('splitWords', () => {
  it.each([
    ['', []],
    ['   ', []],
    ['--runs 3', ['--runs', '3']],
    ['  a \t b\nc  ', ['a', 'b', 'c']],
    [`--message "two words"`, ['--message', 'two words']],
    [`--message 'it''s'`, ['--message', 'its']],
    [`--message "it's"`, ['--message', "it's"]],
    [`'single "double" inside'`, ['single "double" inside']],
    [`"a \\"b\\" \\\\ \\$HOME \\x"`, ['a "b" \\ $HOME \\x']],
    [`a\\ b`, ['a b']],
    [`--report=junit="x y.xml"`, ['--report=junit=x y.xml']],
    [`""`, ['']],
    [`''x`, ['x']],
    ['$HOME ${PATH} `id` $(id)', ['$HOME', '${PATH}', '`id`', '$(id)']],
    ['*.json a|b ; c && d > e # f', ['*.json', 'a|b', ';', 'c', '&&', 'd', '>', 'e', '#', 'f']],
    [`'\\n'`, ['\\n']],
  ])('%j -> %j', (line, words) => {
    expect(splitWords(line)).toEqual(words);
  });

  it.each([`"open`, `'open`, `a "b' c`])('refuses %j: a quote is not closed', (line) => {
    expect(() => splitWords(line)).toThrow(/args: a ["'] quote is not closed/);
  });
});

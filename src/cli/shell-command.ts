/**
 * A command line as a POSIX shell reads it back: words of only safe characters stay bare; any
 * other (spaces, quotes, and [ ] * ?, which a shell would match against file names) is
 * single-quoted, a ' inside written '\'', so "Reproduce with" lines paste as they ran.
 */
export function shellCommand(words: readonly string[]): string {
  return words.map(shellWord).join(" ");
}

function shellWord(word: string): string {
  if (/^[\w@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

/**
 * `text` as inline code that nothing inside can end early: the fence is one backtick longer than
 * the longest run of backticks in it, padded with a space when the text starts or ends with one
 * (CommonMark 0.31, section 6.1 "Code spans").
 */
export function markdownCode(text: string): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((run) => run[0].length));
  const fence = "`".repeat(longest + 1);
  const pad = text.startsWith("`") || text.endsWith("`") ? " " : "";
  return `${fence}${pad}${text}${pad}${fence}`;
}

/**
 * Splits a command line typed into the run form into argv the way a POSIX shell would split words: blanks separate,
 * 'single quotes' keep everything, "double quotes" keep everything but \" \\ \$ \` escapes, a backslash outside quotes
 * keeps the next character. Nothing is expanded ($VAR, globs): the container's own shell does that if asked
 * (`sh -c '…'`).
 */

export class ShellWordsError extends Error {}

export function shellWords(line: string): string[] {
  const words: string[] = [];
  let word = "";
  let inWord = false;
  let quote: "'" | '"' | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i] as string;
    if (quote === "'") {
      if (c === "'") quote = null;
      else word += c;
    } else if (quote === '"') {
      if (c === '"') quote = null;
      else if (c === "\\" && i + 1 < line.length && '"\\$`'.includes(line[i + 1] as string)) word += line[++i];
      else word += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else if (c === "\\") {
      if (i + 1 >= line.length) throw new ShellWordsError("The command ends with a lone backslash.");
      word += line[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = "";
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (quote) throw new ShellWordsError(`The command has an unclosed ${quote === "'" ? "single" : "double"} quote.`);
  if (inWord) words.push(word);
  return words;
}

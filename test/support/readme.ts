/** README.md's shell commands, as a reader would type them (test/readme.e2e.test.ts runs each; test/readme.commands.e2e.test.ts checks the table's). */

/** The commands of README.md's `sh` blocks, each with its block's number: continuation lines joined, comments dropped. */
export function readmeCommands(markdown: string): Array<{ block: number; command: string }> {
  const commands: Array<{ block: number; command: string }> = [];
  let block = -1;
  let inSh = false;
  let pending = '';
  for (const line of markdown.split('\n')) {
    if (!inSh) {
      if (/^```(sh|bash|shell)\s*$/.test(line)) {
        inSh = true;
        block++;
      }
      continue;
    }
    if (/^```\s*$/.test(line)) {
      inSh = false;
      continue;
    }
    const text = withoutComment(line);
    const joined = pending ? `${pending} ${text.trim()}` : text.trimEnd();
    if (joined.endsWith('\\')) {
      pending = joined.slice(0, -1).trimEnd();
      continue;
    }
    pending = '';
    if (joined.trim()) commands.push({ block, command: joined.trim() });
  }
  return commands;
}

/** `line` without a shell comment: a `#` at its start or after a blank, outside quotes. */
function withoutComment(line: string): string {
  let quote: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      if (c === quote) quote = null;
    } else if (c === "'" || c === '"') quote = c;
    else if (c === '#' && (i === 0 || /\s/.test(line[i - 1]!))) return line.slice(0, i);
  }
  return line;
}

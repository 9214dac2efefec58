/**
 * Request log lines for stdout, written once per event-loop turn: one write of many lines
 * costs about what one line did (the per-line writes were 7% of a loaded gateway's CPU).
 */
export class LineWriter {
  private lines: string[] = [];
  private scheduled = false;

  constructor(private readonly out: (text: string) => void) {}

  push(line: string): void {
    this.lines.push(line);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  flush(): void {
    this.scheduled = false;
    if (this.lines.length === 0) return;
    const text = `${this.lines.join("\n")}\n`;
    this.lines = [];
    this.out(text);
  }
}

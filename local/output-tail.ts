/** The last `maxChars` characters of a process's output, for error messages; older text is dropped. */
export class OutputTail {
  private text = '';

  constructor(private readonly maxChars = 8_000) {}

  append(chunk: string): void {
    this.text = (this.text + chunk).slice(-this.maxChars);
  }

  toString(): string {
    return this.text;
  }
}

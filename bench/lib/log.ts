/** Progress goes to stderr: stdout carries only the final JSON document, so it can be piped to jq. */
export function progress(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

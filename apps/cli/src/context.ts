// What a command gets: the REST client and its output. Commands print results through `io`
// and return an exit code; errors are thrown as `CliError`s and printed by `main`.
import type { OrdoClient } from './client';

export interface Io {
  /** a line on standard output */
  out(line: string): void;
  /** a line on standard error */
  err(line: string): void;
  /** text on standard output as given (an exported graph) */
  write(text: string): void;
  /** ANSI colours on standard output */
  color: boolean;
  timeZone: 'local' | 'utc';
  sleep(ms: number): Promise<void>;
  /** pause between two polls of the events endpoint under `--follow` */
  pollMs: number;
}

export interface Context {
  io: Io;
  client: OrdoClient;
  /** relative file paths (graph files, `-o`) start here */
  cwd: string;
}

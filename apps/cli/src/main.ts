/**
 * `ordo`: parse the command line, run one command against Ordo's REST API, print, and
 * return the exit code. `cli()` wires it to the process (bin/ordo.mjs calls it); `main()`
 * takes everything it touches as arguments.
 */
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { type CommandArgs, parseCommandLine } from './args';
import { OrdoClient } from './client';
import { actionCommand } from './commands/action';
import { buildsCommand } from './commands/builds';
import { callbacksCommand } from './commands/callbacks';
import { exportCommand } from './commands/export';
import { lifecycleCommand } from './commands/lifecycle';
import { resourceCommand } from './commands/resource';
import { resourcesCommand } from './commands/resources';
import { runCommand } from './commands/run';
import { statusCommand } from './commands/status';
import { actorName, type Env, resolveBaseUrl, useColour } from './config';
import type { Context, Io } from './context';
import { CliError, EXIT, type ExitCode, UsageError } from './errors';
import { usage } from './usage';

export interface MainOptions {
  env: Env;
  stdout: { write(text: string): unknown; isTTY?: boolean };
  stderr: { write(text: string): unknown };
  /** where relative file paths start; the process's working directory unless given */
  cwd?: string;
}

/** Between two polls of the events endpoint under `--follow`. */
const POLL_MS = 300;

export async function main(argv: readonly string[], options: MainOptions): Promise<ExitCode> {
  const { stdout, stderr, env } = options;
  let invocation: ReturnType<typeof parseCommandLine>;
  try {
    invocation = parseCommandLine(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    stderr.write(`ordo: ${error.message}\n\n${usage(error.command)}`);
    return EXIT.usage;
  }
  if (invocation.kind === 'help') {
    stdout.write(usage(invocation.topic));
    return EXIT.ok;
  }
  if (invocation.kind === 'version') {
    stdout.write(`ordo ${version()}\n`);
    return EXIT.ok;
  }
  const io: Io = {
    out: (line) => stdout.write(`${line}\n`),
    err: (line) => stderr.write(`${line}\n`),
    write: (text) => stdout.write(text),
    color: useColour(stdout.isTTY === true, env),
    timeZone: 'local',
    sleep: (ms) => sleep(ms),
    pollMs: POLL_MS,
  };
  try {
    const client = new OrdoClient({ baseUrl: resolveBaseUrl(invocation.url, env), actor: actorName(env) });
    return await dispatch(invocation.command, { io, client, cwd: options.cwd ?? process.cwd() });
  } catch (error) {
    if (error instanceof CliError) {
      // the message may carry Ordo's own text: no control characters on the terminal
      io.err(`ordo: ${withoutControlCharacters(error.message)}`);
      return error.exitCode;
    }
    io.err(
      `ordo: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
    return EXIT.failed;
  }
}

function withoutControlCharacters(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: replacing them is the point
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '?');
}

function dispatch(command: CommandArgs, ctx: Context): Promise<ExitCode> {
  switch (command.name) {
    case 'run':
      return runCommand(command, ctx);
    case 'status':
      return statusCommand(command, ctx);
    case 'builds':
      return buildsCommand(command, ctx);
    case 'export':
      return exportCommand(command, ctx);
    case 'retry':
    case 'cancel':
    case 'skip':
    case 'approve':
      return actionCommand(command, ctx);
    case 'resources':
      return resourcesCommand(command, ctx);
    case 'resource':
      return resourceCommand(command, ctx);
    case 'callbacks':
      return callbacksCommand(command, ctx);
    case 'lifecycle':
      return lifecycleCommand(command, ctx);
  }
}

function version(): string {
  const manifest = readFileSync(new URL('../package.json', import.meta.url), 'utf8');
  return z.object({ version: z.string() }).parse(JSON.parse(manifest)).version;
}

/** Runs `ordo` in this process and sets its exit code. */
export async function cli(): Promise<void> {
  // `ordo status x | head -1` closes the pipe early: that is not an error.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
  process.exitCode = await main(process.argv.slice(2), {
    env: process.env,
    // `pnpm ordo …` runs in the repository root; INIT_CWD is where the user typed it.
    cwd: process.env.INIT_CWD ?? process.cwd(),
    stdout: process.stdout,
    stderr: process.stderr,
  });
}

// `shell`: runs one program (gorchestrator's shell engine). argv is `[artifact, ...args]`,
// started with `spawn(…, { shell: false })`: no shell ever reads it, so `$(…)`, `;`, globs
// and quotes reach the program literally. Output is streamed as log lines; a cancel or the
// deadline ends the whole process group (SIGTERM, then SIGKILL after 2 s).
import { spawn } from 'node:child_process';
import { StringDecoder } from 'node:string_decoder';
import { z } from 'zod';
import { ExecutorError, TaskError } from './errors';
import { parseInput, scalarString } from './input';
import { defineExecutor, type Executor, type ExecutorTask } from './sdk';

export interface ShellExecutorOptions {
  name?: string;
  provider?: string;
  /**
   * Pass the executor's whole environment to commands (default false: only PATH, HOME, LANG,
   * LC_ALL, TZ, TMPDIR, USER, LOGNAME, so the runner's secrets such as DATABASE_URL never
   * reach a command). The component's `env` is laid over either.
   */
  inheritEnv?: boolean;
  /** wait between SIGTERM and SIGKILL of the process group (default 2000) */
  killGraceMs?: number;
}

/** Characters of stdout kept for the answer's `stdout_tail`. */
export const STDOUT_TAIL_CHARS = 4096;

const BASE_ENV_KEYS = ['PATH', 'HOME', 'LANG', 'LC_ALL', 'TZ', 'TMPDIR', 'USER', 'LOGNAME'] as const;
const DEFAULT_PATH = '/usr/local/bin:/usr/bin:/bin';

const shellInput = z.looseObject({
  artifact: z.string().trim().min(1, 'the command to run (artifact) is empty'),
  args: z.array(scalarString).optional(),
  env: z.record(z.string(), scalarString).optional(),
  cwd: z.string().min(1).optional(),
  working_dir: z.string().min(1).optional(),
});

function commandEnv(inherit: boolean, extra: Record<string, string> | undefined): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  if (inherit) Object.assign(env, process.env);
  else {
    for (const key of BASE_ENV_KEYS) {
      const value = process.env[key];
      if (value !== undefined) env[key] = value;
    }
    env.PATH ??= DEFAULT_PATH;
  }
  return { ...env, ...extra };
}

/** Splits a byte stream into lines (UTF-8 safe); `end()` hands over a last unterminated line. */
class LineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private rest = '';

  constructor(private readonly onLine: (line: string) => void) {}

  write(chunk: Buffer): void {
    this.emit(this.rest + this.decoder.write(chunk));
  }

  end(): void {
    const tail = this.rest + this.decoder.end();
    this.rest = '';
    if (tail !== '') this.onLine(tail.replace(/\r$/, ''));
  }

  private emit(text: string): void {
    let start = 0;
    for (;;) {
      const nl = text.indexOf('\n', start);
      if (nl < 0) break;
      this.onLine(text.slice(start, nl).replace(/\r$/, ''));
      start = nl + 1;
    }
    this.rest = text.slice(start);
    // a runaway line without a newline: hand it over in pieces rather than grow forever
    if (this.rest.length > 64 * 1024) {
      this.onLine(this.rest);
      this.rest = '';
    }
  }
}

export function shellExecutor(options: ShellExecutorOptions = {}): Executor {
  const killGraceMs = options.killGraceMs ?? 2000;
  return defineExecutor({
    name: options.name ?? 'shell',
    provider: options.provider ?? 'shell',
    handle: (task) => runCommand(task, options.inheritEnv ?? false, killGraceMs),
  });
}

async function runCommand(task: ExecutorTask, inheritEnv: boolean, killGraceMs: number) {
  const input = parseInput('shell', shellInput, task.component);
  const command = input.artifact;
  const args = input.args ?? [];
  const cwd = input.cwd ?? input.working_dir;
  task.signal.throwIfAborted();

  const child = spawn(command, args, {
    shell: false,
    detached: true, // its own process group, so that a kill reaches its children too
    stdio: ['ignore', 'pipe', 'pipe'],
    env: commandEnv(inheritEnv, input.env),
    ...(cwd === undefined ? {} : { cwd }),
  });

  let stdoutTail = '';
  let lastStderr = '';
  const out = new LineSplitter((line) => {
    task.log(line, 'stdout');
    stdoutTail = `${stdoutTail}${line}\n`.slice(-STDOUT_TAIL_CHARS);
  });
  const err = new LineSplitter((line) => {
    task.log(line, 'stderr');
    if (line.trim() !== '') lastStderr = line;
  });
  child.stdout?.on('data', (chunk: Buffer) => out.write(chunk));
  child.stderr?.on('data', (chunk: Buffer) => err.write(chunk));

  let killTimer: NodeJS.Timeout | undefined;
  const killGroup = (signal: NodeJS.Signals) => {
    if (child.pid === undefined) return;
    try {
      process.kill(-child.pid, signal);
    } catch {
      // the group is gone already
    }
  };
  const onAbort = () => {
    task.log(`stopping the command (${(task.signal.reason as Error)?.message ?? 'aborted'})`, 'info');
    killGroup('SIGTERM');
    killTimer = setTimeout(() => killGroup('SIGKILL'), killGraceMs);
  };

  const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null } | { error: Error }>(
    (resolve) => {
      let settled = false;
      child.once('error', (error) => {
        if (settled) return;
        settled = true;
        resolve({ error });
      });
      child.once('spawn', () => {
        task.log(`started ${command} (pid ${child.pid})`, 'info');
        task.signal.addEventListener('abort', onAbort, { once: true });
        if (task.signal.aborted) onAbort();
      });
      child.once('exit', (code, signal) => {
        // 'close' follows once stdout/stderr are drained; a background child that keeps them
        // open must not hold the answer, so wait for it only briefly.
        const grace = setTimeout(() => {
          child.stdout?.destroy();
          child.stderr?.destroy();
          finish();
        }, 500);
        const finish = () => {
          clearTimeout(grace);
          if (settled) return;
          settled = true;
          resolve({ code, signal });
        };
        child.once('close', finish);
      });
    },
  );
  task.signal.removeEventListener('abort', onAbort);
  out.end();
  err.end();

  if ('error' in exit) {
    clearTimeout(killTimer);
    throw new ExecutorError('INVALID_INPUT', `shell: cannot start ${command}: ${exit.error.message}`, {
      cause: exit.error,
    });
  }
  if (task.signal.aborted) {
    // leave the SIGKILL timer armed: members of the group may still be shutting down
    throw task.signal.reason;
  }
  if (exit.code === 0) return { exit_code: 0, stdout_tail: stdoutTail };
  const outputs = { exit_code: exit.code ?? -1, stdout_tail: stdoutTail };
  if (exit.code === null) {
    throw new TaskError(
      `killed by ${exit.signal ?? 'a signal'}${lastStderr ? `: ${lastStderr}` : ''}`,
      outputs,
    );
  }
  throw new TaskError(`exit code ${exit.code}${lastStderr ? `: ${lastStderr}` : ''}`, outputs);
}

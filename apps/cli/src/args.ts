/**
 * The command line → an `Invocation`, with no I/O. Flags are read by `node:util` `parseArgs`
 * (strict: an unknown flag is an error) and their values checked with zod; every problem is a
 * `UsageError` naming the command whose usage to show.
 */
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { BUILD_STATUSES, type BuildStatus } from '@ordo/core';
import { z } from 'zod';
import type { OperatorAction } from './client';
import { UsageError } from './errors';
import { type CommandName, isCommandName } from './usage';

export type GraphExportFormat = 'ernest' | 'gorch' | 'ordo' | 'dot';
export type FailurePolicy = 'fail-fast' | 'continue';

export interface RunArgs {
  name: 'run';
  /** a path, or `-` for standard input */
  file: string;
  follow: boolean;
  simulate: boolean;
  environment?: string;
  policy?: FailurePolicy;
  concurrency?: number;
}

export interface StatusArgs {
  name: 'status';
  id: string;
}

export interface BuildsArgs {
  name: 'builds';
  environment?: string;
  /** any of these states */
  states?: BuildStatus[];
}

export interface ActionArgs {
  name: OperatorAction;
  id: string;
  component?: string;
  /** only `retry` and `cancel` accept `--follow` */
  follow: boolean;
}

export interface ExportArgs {
  name: 'export';
  id: string;
  format: GraphExportFormat;
  output?: string;
}

export type CommandArgs = RunArgs | StatusArgs | BuildsArgs | ActionArgs | ExportArgs;

export type Invocation =
  | { kind: 'help'; topic?: CommandName }
  | { kind: 'version' }
  | { kind: 'command'; command: CommandArgs; url?: string };

type Options = NonNullable<ParseArgsConfig['options']>;

/** Accepted before and after the command name. */
const GLOBAL_OPTIONS = {
  url: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies Options;

const policySchema = z.enum(['fail-fast', 'continue'], { error: 'expected fail-fast or continue' });
const concurrencySchema = z
  .string()
  .regex(/^[0-9]+$/, { error: 'expected a whole number of at least 1' })
  .transform(Number)
  .pipe(z.number().int().min(1, { error: 'expected a whole number of at least 1' }));
const formatSchema = z.enum(['ernest', 'gorch', 'ordo', 'dot'], {
  error: 'expected ernest, gorch, ordo or dot',
});
const statesSchema = z
  .string()
  .transform((value) => value.split(',').map((state) => state.trim()))
  .pipe(
    z.array(z.enum(BUILD_STATUSES, { error: `expected states among ${BUILD_STATUSES.join(', ')}` })).min(1),
  );
const nameSchema = z.string().trim().min(1, { error: 'expected a non-empty value' });

export function parseCommandLine(argv: readonly string[]): Invocation {
  const at = commandIndex(argv);
  if (at === -1) {
    const { values } = parse(undefined, argv, { version: { type: 'boolean', short: 'V' } }, [], []);
    if (values.version === true) return { kind: 'version' };
    if (values.help === true) return { kind: 'help' };
    throw new UsageError('missing command');
  }
  const name = argv[at] as string;
  const rest = [...argv.slice(0, at), ...argv.slice(at + 1)];
  if (!isCommandName(name)) throw new UsageError(`unknown command '${name}'`);
  switch (name) {
    case 'help':
      return parseHelp(rest);
    case 'run':
      return parseRun(rest);
    case 'status':
      return parseStatus(rest);
    case 'builds':
      return parseBuilds(rest);
    case 'retry':
    case 'cancel':
      return parseAction(name, rest, false);
    case 'skip':
    case 'approve':
      return parseAction(name, rest, true);
    case 'export':
      return parseExport(rest);
  }
}

/** Index of the command name: the first argument that is neither a flag nor `--url`'s value. */
function commandIndex(argv: readonly string[]): number {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') return i + 1 < argv.length ? i + 1 : -1;
    if (arg === '--url') i++;
    else if (!arg.startsWith('-') || arg === '-') return i;
  }
  return -1;
}

function parseHelp(args: string[]): Invocation {
  const { positionals } = parse('help', args, {}, [], ['command']);
  const topic = positionals[0];
  if (topic === undefined) return { kind: 'help' };
  if (!isCommandName(topic)) throw new UsageError(`unknown command '${topic}'`);
  return { kind: 'help', topic };
}

function parseRun(args: string[]): Invocation {
  const { values, positionals } = parse(
    'run',
    args,
    {
      follow: { type: 'boolean' },
      simulate: { type: 'boolean' },
      environment: { type: 'string' },
      policy: { type: 'string' },
      concurrency: { type: 'string' },
    },
    ['file'],
    [],
  );
  if (values.help === true) return { kind: 'help', topic: 'run' };
  const command: RunArgs = {
    name: 'run',
    file: positionals[0] as string,
    follow: values.follow === true,
    simulate: values.simulate === true,
  };
  if (values.environment !== undefined) {
    command.environment = flagValue('run', '--environment', nameSchema, values.environment);
  }
  if (values.policy !== undefined) command.policy = flagValue('run', '--policy', policySchema, values.policy);
  if (values.concurrency !== undefined) {
    command.concurrency = flagValue('run', '--concurrency', concurrencySchema, values.concurrency);
  }
  return invocation(command, values.url);
}

function parseStatus(args: string[]): Invocation {
  const { values, positionals } = parse('status', args, {}, ['id'], []);
  if (values.help === true) return { kind: 'help', topic: 'status' };
  return invocation({ name: 'status', id: positionals[0] as string }, values.url);
}

function parseBuilds(args: string[]): Invocation {
  const { values } = parse(
    'builds',
    args,
    { environment: { type: 'string' }, state: { type: 'string' } },
    [],
    [],
  );
  if (values.help === true) return { kind: 'help', topic: 'builds' };
  const command: BuildsArgs = { name: 'builds' };
  if (values.environment !== undefined) {
    command.environment = flagValue('builds', '--environment', nameSchema, values.environment);
  }
  if (values.state !== undefined) command.states = flagValue('builds', '--state', statesSchema, values.state);
  return invocation(command, values.url);
}

function parseAction(name: OperatorAction, args: string[], needsComponent: boolean): Invocation {
  const follow = name === 'retry' || name === 'cancel';
  const { values, positionals } = parse(
    name,
    args,
    follow ? { follow: { type: 'boolean' } } : {},
    needsComponent ? ['id', 'component'] : ['id'],
    needsComponent ? [] : ['component'],
  );
  if (values.help === true) return { kind: 'help', topic: name };
  const command: ActionArgs = { name, id: positionals[0] as string, follow: values.follow === true };
  if (positionals[1] !== undefined) command.component = positionals[1];
  return invocation(command, values.url);
}

function parseExport(args: string[]): Invocation {
  const { values, positionals } = parse(
    'export',
    args,
    { format: { type: 'string' }, output: { type: 'string', short: 'o' } },
    ['id'],
    [],
  );
  if (values.help === true) return { kind: 'help', topic: 'export' };
  if (values.format === undefined)
    throw new UsageError('missing --format (ernest, gorch, ordo or dot)', 'export');
  const command: ExportArgs = {
    name: 'export',
    id: positionals[0] as string,
    format: flagValue('export', '--format', formatSchema, values.format),
  };
  if (values.output !== undefined)
    command.output = flagValue('export', '--output', nameSchema, values.output);
  return invocation(command, values.url);
}

function invocation(command: CommandArgs, url: string | undefined): Invocation {
  return url === undefined ? { kind: 'command', command } : { kind: 'command', command, url };
}

/**
 * `parseArgs` with the global options added, its errors turned into `UsageError`s, and the
 * positionals counted: `required` names must all be there, `optional` ones may follow.
 * With `--help` the positionals are not checked (`ordo run --help` needs no file).
 */
function parse<O extends Options>(
  command: CommandName | undefined,
  args: readonly string[],
  options: O,
  required: readonly string[],
  optional: readonly string[],
) {
  let result: ReturnType<typeof parseArgs<{ options: O & typeof GLOBAL_OPTIONS; allowPositionals: true }>>;
  try {
    result = parseArgs({
      args: [...args],
      options: { ...options, ...GLOBAL_OPTIONS },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new UsageError(describeParseError(error), command);
  }
  const globals = result.values as { help?: boolean; url?: string };
  if (globals.help === true) return result;
  const { positionals } = result;
  const missing = required[positionals.length];
  if (missing !== undefined) throw new UsageError(`missing <${missing}>`, command);
  if (positionals.length > required.length + optional.length) {
    throw new UsageError(`unexpected argument '${positionals[required.length + optional.length]}'`, command);
  }
  if (globals.url !== undefined && globals.url.trim() === '') {
    throw new UsageError('--url needs a value', command);
  }
  return result;
}

/** `parseArgs` messages are long and written for another audience; keep the gist. */
function describeParseError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown }).code;
  const flag = /'(-[^' ]+)/.exec(message)?.[1];
  if (flag === undefined) return message;
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return `unknown option '${flag}'`;
  if (message.includes('argument missing')) return `${flag} needs a value`;
  if (message.includes('does not take an argument')) return `${flag} takes no value`;
  return message;
}

function flagValue<T>(command: CommandName, flag: string, schema: z.ZodType<T>, value: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new UsageError(`invalid ${flag} '${value}': ${parsed.error.issues[0]?.message}`, command);
}

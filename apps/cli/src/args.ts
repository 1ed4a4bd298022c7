/**
 * The command line → an `Invocation`, with no I/O. Flags are read by `node:util` `parseArgs`
 * (strict: an unknown flag is an error) and their values checked with zod; every problem is a
 * `UsageError` naming the command whose usage to show.
 */
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { RESOURCE_ACTIONS, RESOURCE_STATES, type ResourceAction, type ResourceState } from '@ordo/contracts';
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

export interface ResourcesArgs {
  name: 'resources';
  environment?: string;
  state?: ResourceState;
  provider?: string;
}

export interface ResourceArgs {
  name: 'resource';
  id: string;
  /** absent: print the resource */
  action?: ResourceAction;
}

export type CallbacksArgs =
  | {
      name: 'callbacks';
      sub: 'add';
      /** exactly one of resource and environment */
      resource?: string;
      environment?: string;
      /** exactly one of url and subject */
      url?: string;
      subject?: string;
      states?: ResourceState[];
    }
  | { name: 'callbacks'; sub: 'list'; resource?: string; environment?: string }
  | { name: 'callbacks'; sub: 'deliveries' | 'remove'; id: string };

export type LifecycleArgs =
  | { name: 'lifecycle'; sub: 'put'; file: string }
  | { name: 'lifecycle'; sub: 'show'; type: string; version?: number }
  | { name: 'lifecycle'; sub: 'list' };

export type CommandArgs =
  | RunArgs
  | StatusArgs
  | BuildsArgs
  | ActionArgs
  | ExportArgs
  | ResourcesArgs
  | ResourceArgs
  | CallbacksArgs
  | LifecycleArgs;

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
const resourceStateSchema = z.enum(RESOURCE_STATES, {
  error: `expected one of ${RESOURCE_STATES.join(', ')}`,
});
const resourceStatesSchema = z
  .string()
  .transform((value) => value.split(',').map((state) => state.trim()))
  .pipe(
    z.array(z.enum(RESOURCE_STATES, { error: `expected states among ${RESOURCE_STATES.join(', ')}` })).min(1),
  );
const resourceActionSchema = z.enum(RESOURCE_ACTIONS, { error: `expected ${RESOURCE_ACTIONS.join(', ')}` });
const versionSchema = z
  .string()
  .regex(/^[0-9]+$/, { error: 'expected a version number' })
  .transform(Number)
  .pipe(z.number().int().min(1, { error: 'expected a version number' }));

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
    case 'resources':
      return parseResources(rest);
    case 'resource':
      return parseResource(rest);
    case 'callbacks':
      return parseCallbacks(rest);
    case 'lifecycle':
      return parseLifecycle(rest);
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

function parseResources(args: string[]): Invocation {
  const { values } = parse(
    'resources',
    args,
    { environment: { type: 'string' }, state: { type: 'string' }, provider: { type: 'string' } },
    [],
    [],
  );
  if (values.help === true) return { kind: 'help', topic: 'resources' };
  const command: ResourcesArgs = { name: 'resources' };
  if (values.environment !== undefined)
    command.environment = flagValue('resources', '--environment', nameSchema, values.environment);
  if (values.state !== undefined)
    command.state = flagValue('resources', '--state', resourceStateSchema, values.state);
  if (values.provider !== undefined)
    command.provider = flagValue('resources', '--provider', nameSchema, values.provider);
  return invocation(command, values.url);
}

function parseResource(args: string[]): Invocation {
  const { values, positionals } = parse('resource', args, {}, ['id'], ['action']);
  if (values.help === true) return { kind: 'help', topic: 'resource' };
  const command: ResourceArgs = { name: 'resource', id: positionals[0] as string };
  const action = positionals[1];
  if (action !== undefined) {
    const parsed = resourceActionSchema.safeParse(action);
    if (!parsed.success)
      throw new UsageError(
        `unknown action '${action}': expected start, reboot, stop or terminate`,
        'resource',
      );
    command.action = parsed.data;
  }
  return invocation(command, values.url);
}

/** The subcommand: the first positional, checked against `subs`. */
function subcommand<S extends string>(
  command: CommandName,
  args: readonly string[],
  subs: readonly S[],
): S | undefined {
  // Every flag of these commands but --help takes a value: skip `--flag value` pairs.
  let first: string | undefined;
  for (let i = 0; i < args.length && first === undefined; i++) {
    const arg = args[i] as string;
    if (!arg.startsWith('-')) first = arg;
    else if (arg !== '--help' && arg !== '-h' && !arg.includes('=')) i++;
  }
  if (first === undefined) {
    if (args.includes('--help') || args.includes('-h')) return undefined;
    throw new UsageError(`missing subcommand (${subs.join(', ')})`, command);
  }
  if (!(subs as readonly string[]).includes(first)) {
    throw new UsageError(`unknown subcommand '${first}' (${subs.join(', ')})`, command);
  }
  return first as S;
}

function withoutFirst(args: readonly string[], value: string): string[] {
  const at = args.indexOf(value);
  return [...args.slice(0, at), ...args.slice(at + 1)];
}

function parseCallbacks(args: string[]): Invocation {
  const sub = subcommand('callbacks', args, ['add', 'list', 'deliveries', 'remove'] as const);
  if (sub === undefined) return { kind: 'help', topic: 'callbacks' };
  const rest = withoutFirst(args, sub);
  if (sub === 'deliveries' || sub === 'remove') {
    const { values, positionals } = parse('callbacks', rest, {}, ['id'], []);
    if (values.help === true) return { kind: 'help', topic: 'callbacks' };
    return invocation({ name: 'callbacks', sub, id: positionals[0] as string }, values.url);
  }
  const options = { resource: { type: 'string' }, environment: { type: 'string' } } as const;
  if (sub === 'list') {
    const { values } = parse('callbacks', rest, options, [], []);
    if (values.help === true) return { kind: 'help', topic: 'callbacks' };
    const command: CallbacksArgs = { name: 'callbacks', sub };
    if (values.resource !== undefined)
      command.resource = flagValue('callbacks', '--resource', nameSchema, values.resource);
    if (values.environment !== undefined)
      command.environment = flagValue('callbacks', '--environment', nameSchema, values.environment);
    return invocation(command, values.url);
  }
  const { values } = parse(
    'callbacks',
    rest,
    { ...options, url: { type: 'string' }, subject: { type: 'string' }, states: { type: 'string' } },
    [],
    [],
  );
  if (values.help === true) return { kind: 'help', topic: 'callbacks' };
  if ((values.resource === undefined) === (values.environment === undefined)) {
    throw new UsageError(
      'callbacks add needs exactly one of --resource ID or --environment NAME',
      'callbacks',
    );
  }
  // `--url` is also the global option (Ordo's address): here it is the callback's URL, and Ordo's
  // address comes from ORDO_URL.
  if ((values.url === undefined) === (values.subject === undefined)) {
    throw new UsageError('callbacks add needs exactly one of --url URL or --subject SUBJECT', 'callbacks');
  }
  const command: CallbacksArgs = { name: 'callbacks', sub: 'add' };
  if (values.resource !== undefined)
    command.resource = flagValue('callbacks', '--resource', nameSchema, values.resource);
  if (values.environment !== undefined)
    command.environment = flagValue('callbacks', '--environment', nameSchema, values.environment);
  if (values.url !== undefined) command.url = flagValue('callbacks', '--url', nameSchema, values.url);
  if (values.subject !== undefined)
    command.subject = flagValue('callbacks', '--subject', nameSchema, values.subject);
  if (values.states !== undefined)
    command.states = flagValue('callbacks', '--states', resourceStatesSchema, values.states);
  return { kind: 'command', command };
}

function parseLifecycle(args: string[]): Invocation {
  const sub = subcommand('lifecycle', args, ['put', 'show', 'list'] as const);
  if (sub === undefined) return { kind: 'help', topic: 'lifecycle' };
  const rest = withoutFirst(args, sub);
  if (sub === 'put') {
    const { values, positionals } = parse('lifecycle', rest, {}, ['file'], []);
    if (values.help === true) return { kind: 'help', topic: 'lifecycle' };
    return invocation({ name: 'lifecycle', sub, file: positionals[0] as string }, values.url);
  }
  if (sub === 'list') {
    const { values } = parse('lifecycle', rest, {}, [], []);
    if (values.help === true) return { kind: 'help', topic: 'lifecycle' };
    return invocation({ name: 'lifecycle', sub }, values.url);
  }
  const { values, positionals } = parse('lifecycle', rest, { version: { type: 'string' } }, ['type'], []);
  if (values.help === true) return { kind: 'help', topic: 'lifecycle' };
  const command: LifecycleArgs = { name: 'lifecycle', sub, type: positionals[0] as string };
  if (values.version !== undefined)
    command.version = flagValue('lifecycle', '--version', versionSchema, values.version);
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

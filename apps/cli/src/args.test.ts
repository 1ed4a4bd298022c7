import { describe, expect, it } from 'vitest';
import { parseCommandLine } from './args';
import { resolveBaseUrl, useColour } from './config';
import { UsageError } from './errors';

function usageError(argv: string[]): UsageError {
  try {
    parseCommandLine(argv);
  } catch (error) {
    if (error instanceof UsageError) return error;
    throw error;
  }
  throw new Error(`expected a usage error for ${argv.join(' ')}`);
}

describe('parseCommandLine', () => {
  it('reads run with every flag, values validated and typed', () => {
    expect(
      parseCommandLine([
        'run',
        'graph.yaml',
        '--follow',
        '--simulate',
        '--environment',
        'prod',
        '--policy=continue',
        '--concurrency',
        '4',
      ]),
    ).toEqual({
      kind: 'command',
      command: {
        name: 'run',
        file: 'graph.yaml',
        follow: true,
        simulate: true,
        environment: 'prod',
        policy: 'continue',
        concurrency: 4,
      },
    });
  });

  it('leaves unset run flags out', () => {
    expect(parseCommandLine(['run', '-'])).toEqual({
      kind: 'command',
      command: { name: 'run', file: '-', follow: false, simulate: false },
    });
  });

  it('accepts --url before or after the command', () => {
    const expected = { kind: 'command', command: { name: 'status', id: 'b-1' }, url: 'http://x:1' };
    expect(parseCommandLine(['--url', 'http://x:1', 'status', 'b-1'])).toEqual(expected);
    expect(parseCommandLine(['status', 'b-1', '--url=http://x:1'])).toEqual(expected);
  });

  it('reads the operator actions, with an optional or required component', () => {
    expect(parseCommandLine(['retry', 'b-1'])).toEqual({
      kind: 'command',
      command: { name: 'retry', id: 'b-1', follow: false },
    });
    expect(parseCommandLine(['cancel', 'b-1', 'vpc::prod', '--follow'])).toEqual({
      kind: 'command',
      command: { name: 'cancel', id: 'b-1', component: 'vpc::prod', follow: true },
    });
    expect(parseCommandLine(['approve', 'b-1', 'gate::ok'])).toEqual({
      kind: 'command',
      command: { name: 'approve', id: 'b-1', component: 'gate::ok', follow: false },
    });
  });

  it('reads export and builds', () => {
    expect(parseCommandLine(['export', 'b-1', '--format', 'dot', '-o', 'out.dot'])).toEqual({
      kind: 'command',
      command: { name: 'export', id: 'b-1', format: 'dot', output: 'out.dot' },
    });
    expect(parseCommandLine(['builds', '--state', 'errored', '--environment', 'prod'])).toEqual({
      kind: 'command',
      command: { name: 'builds', states: ['errored'], environment: 'prod' },
    });
    expect(parseCommandLine(['builds', '--state', 'errored, cancelled'])).toEqual({
      kind: 'command',
      command: { name: 'builds', states: ['errored', 'cancelled'] },
    });
  });

  it('reads the cloud commands: resources, resource, callbacks, lifecycle', () => {
    const command = (argv: string[]) => (parseCommandLine(argv) as { command: unknown }).command;
    expect(command(['resources', '--environment', 'shop', '--state', 'stopped'])).toEqual({
      name: 'resources',
      environment: 'shop',
      state: 'stopped',
    });
    expect(command(['resource', 'r-1'])).toEqual({ name: 'resource', id: 'r-1' });
    expect(command(['resource', 'r-1', 'terminate'])).toEqual({
      name: 'resource',
      id: 'r-1',
      action: 'terminate',
    });
    expect(
      command([
        'callbacks',
        'add',
        '--resource',
        'r-1',
        '--url',
        'https://h.example/x',
        '--states',
        'stopped, running',
      ]),
    ).toEqual({
      name: 'callbacks',
      sub: 'add',
      resource: 'r-1',
      url: 'https://h.example/x',
      states: ['stopped', 'running'],
    });
    expect(command(['callbacks', 'add', '--environment', 'shop', '--subject', 'hooks.shop'])).toEqual({
      name: 'callbacks',
      sub: 'add',
      environment: 'shop',
      subject: 'hooks.shop',
    });
    expect(command(['callbacks', 'list'])).toEqual({ name: 'callbacks', sub: 'list' });
    expect(parseCommandLine(['--url', 'http://x:1', 'callbacks', 'list', '--resource', 'r-1'])).toEqual({
      kind: 'command',
      command: { name: 'callbacks', sub: 'list', resource: 'r-1' },
      url: 'http://x:1',
    });
    expect(command(['callbacks', 'deliveries', 'cb-1'])).toEqual({
      name: 'callbacks',
      sub: 'deliveries',
      id: 'cb-1',
    });
    expect(command(['lifecycle', 'put', 'l.yaml'])).toEqual({
      name: 'lifecycle',
      sub: 'put',
      file: 'l.yaml',
    });
    expect(command(['lifecycle', 'show', 'instance', '--version', '2'])).toEqual({
      name: 'lifecycle',
      sub: 'show',
      type: 'instance',
      version: 2,
    });
    expect(parseCommandLine(['callbacks', '--help'])).toEqual({ kind: 'help', topic: 'callbacks' });
    expect(parseCommandLine(['lifecycle', 'put', '-h'])).toEqual({ kind: 'help', topic: 'lifecycle' });
  });

  it('answers help and version', () => {
    expect(parseCommandLine(['--help'])).toEqual({ kind: 'help' });
    expect(parseCommandLine(['-h'])).toEqual({ kind: 'help' });
    expect(parseCommandLine(['--version'])).toEqual({ kind: 'version' });
    expect(parseCommandLine(['-V'])).toEqual({ kind: 'version' });
    expect(parseCommandLine(['help', 'export'])).toEqual({ kind: 'help', topic: 'export' });
    // a command's --help needs none of its arguments
    expect(parseCommandLine(['run', '--help'])).toEqual({ kind: 'help', topic: 'run' });
    expect(parseCommandLine(['skip', '-h'])).toEqual({ kind: 'help', topic: 'skip' });
  });

  it.each([
    [[], 'missing command', undefined],
    [['deploy', 'x'], "unknown command 'deploy'", undefined],
    [['help', 'deploy'], "unknown command 'deploy'", undefined],
    [['run'], 'missing <file>', 'run'],
    [['run', 'a.json', 'b.json'], "unexpected argument 'b.json'", 'run'],
    [['run', 'a.json', '--bogus'], "unknown option '--bogus'", 'run'],
    [['run', 'a.json', '--policy', 'yolo'], "invalid --policy 'yolo': expected fail-fast or continue", 'run'],
    [
      ['run', 'a.json', '--concurrency', '0'],
      "invalid --concurrency '0': expected a whole number of at least 1",
      'run',
    ],
    [
      ['run', 'a.json', '--concurrency', '2.5'],
      "invalid --concurrency '2.5': expected a whole number",
      'run',
    ],
    [['run', 'a.json', '--environment', ' '], "invalid --environment ' ': expected a non-empty value", 'run'],
    [['run', 'a.json', '--environment'], '--environment needs a value', 'run'],
    [['run', 'a.json', '--follow=yes'], '--follow takes no value', 'run'],
    [['skip', 'b-1'], 'missing <component>', 'skip'],
    [['skip', 'b-1', 'c', '--follow'], "unknown option '--follow'", 'skip'],
    [['status'], 'missing <id>', 'status'],
    [['export', 'b-1'], 'missing --format', 'export'],
    [
      ['export', 'b-1', '--format', 'yaml'],
      "invalid --format 'yaml': expected ernest, gorch, ordo or dot",
      'export',
    ],
    [
      ['builds', '--state', 'done'],
      "invalid --state 'done': expected states among pending, running",
      'builds',
    ],
    [['builds', '--state', 'errored,'], "invalid --state 'errored,': expected states among", 'builds'],
    [['status', 'b-1', '--url', ''], '--url needs a value', 'status'],
    [
      ['resources', '--state', 'asleep'],
      "invalid --state 'asleep': expected one of pending, running",
      'resources',
    ],
    [['resource'], 'missing <id>', 'resource'],
    [['resource', 'r-1', 'explode'], "unknown action 'explode'", 'resource'],
    [['callbacks'], 'missing subcommand (add, list, deliveries, remove)', 'callbacks'],
    [['callbacks', 'purge'], "unknown subcommand 'purge'", 'callbacks'],
    [
      ['callbacks', 'add', '--subject', 's'],
      'exactly one of --resource ID or --environment NAME',
      'callbacks',
    ],
    [
      ['callbacks', 'add', '--resource', 'r', '--url', 'u', '--subject', 's'],
      'exactly one of --url URL or --subject',
      'callbacks',
    ],
    [['callbacks', 'deliveries'], 'missing <id>', 'callbacks'],
    [['lifecycle', 'show'], 'missing <type>', 'lifecycle'],
    [['lifecycle', 'show', 'instance', '--version', 'latest'], "invalid --version 'latest'", 'lifecycle'],
  ])('rejects %j: %s', (argv, message, command) => {
    const error = usageError(argv);
    expect(error.message).toContain(message);
    expect(error.command).toBe(command);
    expect(error.exitCode).toBe(2);
  });
});

describe('resolveBaseUrl', () => {
  it('takes --url, then ORDO_URL, then localhost on PORT or 3000', () => {
    expect(resolveBaseUrl('https://ordo.example/', { ORDO_URL: 'http://other' })).toBe(
      'https://ordo.example',
    );
    expect(resolveBaseUrl(undefined, { ORDO_URL: 'http://ordo:8080', PORT: '1' })).toBe('http://ordo:8080');
    expect(resolveBaseUrl(undefined, { PORT: '4000' })).toBe('http://localhost:4000');
    expect(resolveBaseUrl(undefined, {})).toBe('http://localhost:3000');
  });

  it('rejects what is not an http(s) URL, naming where it came from', () => {
    expect(() => resolveBaseUrl('ftp://x', {})).toThrow(
      "invalid --url 'ftp://x': expected an http:// or https:// URL",
    );
    expect(() => resolveBaseUrl(undefined, { ORDO_URL: 'localhost:3000' })).toThrow(
      "invalid ORDO_URL 'localhost:3000'",
    );
    expect(() => resolveBaseUrl(undefined, { PORT: 'eighty' })).toThrow("invalid PORT 'eighty'");
  });
});

describe('useColour', () => {
  it('colours a terminal unless NO_COLOR; FORCE_COLOR forces it', () => {
    expect(useColour(true, {})).toBe(true);
    expect(useColour(false, {})).toBe(false);
    expect(useColour(true, { NO_COLOR: '1' })).toBe(false);
    expect(useColour(false, { FORCE_COLOR: '1' })).toBe(true);
    expect(useColour(true, { FORCE_COLOR: '0' })).toBe(true);
  });
});

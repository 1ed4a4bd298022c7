// Help text: `ordo --help` and `ordo <command> --help`.

export const COMMAND_NAMES = [
  'run',
  'status',
  'builds',
  'retry',
  'cancel',
  'skip',
  'approve',
  'export',
  'resources',
  'resource',
  'callbacks',
  'lifecycle',
  'help',
] as const;
export type CommandName = (typeof COMMAND_NAMES)[number];

export function isCommandName(value: string): value is CommandName {
  return (COMMAND_NAMES as readonly string[]).includes(value);
}

const GLOBAL_OPTIONS = `Global options:
  --url URL        Ordo's address (default: $ORDO_URL, else http://localhost:$PORT, PORT 3000)
  -h, --help       show help; ordo <command> --help for one command
  -V, --version    print the version`;

const EXIT_CODES = `Exit codes: 0 success · 1 build errored or cancelled, action refused, not found
            2 bad command line, unreadable or rejected file or request · 3 Ordo unreachable`;

export const MAIN_USAGE = `ordo — submit, follow and steer Ordo builds

Usage: ordo <command> [options]

Commands:
  run <file>                 submit a graph file (JSON or YAML) as a build; print its id
  status <id>                a build's components and their states
  builds                     list builds
  retry <id> [component]     retry the build from failure, or one component
  cancel <id> [component]    cancel the build, or one component
  skip <id> <component>      mark a failed component done so that its dependants run
  approve <id> <component>   let a component waiting on a manual gate run
  export <id> --format F     write a build's graph as ernest, gorch, ordo or dot
  resources                  list tracked cloud resources and their states
  resource <id> [action]     a resource's details; or start, stop, reboot, terminate it
  callbacks add|list|deliveries|remove
                             callbacks on resource state changes and their deliveries
  lifecycle put|show|list    instance lifecycle definitions

${GLOBAL_OPTIONS}

${EXIT_CODES}`;

const COMMAND_USAGE: Record<Exclude<CommandName, 'help'>, string> = {
  run: `Usage: ordo run <file> [options]

Submit a graph as a new build and print the build's id. <file> is JSON or YAML (by its
extension, else by its content; - reads standard input) in any format Ordo accepts:
an Ernest mapping, a gorch task or an Ordo native graph, or a request already wrapped
as {graph, environment, simulate, policy, concurrency} (flags override its fields).

Options:
  --follow               print events until the build finishes; exit 0 if it completed
  --simulate             rehearse: the sim executor answers for every provider
  --environment NAME     the environment the graph is applied to
  --policy POLICY        fail-fast (default) or continue
  --concurrency N        at most N components of this build at once`,
  status: `Usage: ordo status <id>

Print a build's components (id, action, state, attempts, error) and the build's state.`,
  builds: `Usage: ordo builds [options]

List builds.

Options:
  --environment NAME     only builds of this environment
  --state STATE[,STATE]  only builds in these states: pending, running, completed,
                         errored, cancelling, cancelled`,
  retry: `Usage: ordo retry <id> [component] [--follow]

Retry the build from failure (failed, blocked and never-run components run again), or
retry one failed component.

Options:
  --follow               print events until the build finishes again`,
  cancel: `Usage: ordo cancel <id> [component] [--follow]

Cancel the build (stop dispatching, cancel what is in flight), or one component.

Options:
  --follow               print events until the build finishes`,
  skip: `Usage: ordo skip <id> <component>

Mark a failed component done so that its dependants run.`,
  approve: `Usage: ordo approve <id> <component>

Let a component that waits on a manual gate run.`,
  resources: `Usage: ordo resources [options]

List the cloud resources builds made (instances, and anything with a cloud id), newest first.

Options:
  --environment NAME     only resources of this environment
  --state STATE          only resources in this state: pending, running, stopping,
                         stopped, terminated, vanished, error
  --provider NAME        only resources of this provider`,
  resource: `Usage: ordo resource <id> [start|stop|reboot|terminate]

Without an action: print the resource, its state history, operator actions, the callbacks
that fire for it and its lifecycle runs. With one: ask Ordo to carry it out; the state
must allow it (e.g. stop only when running), otherwise Ordo says why and the exit code is 1.`,
  callbacks: `Usage: ordo callbacks add (--resource ID | --environment NAME) (--url URL | --subject S)
                          [--states STATE[,STATE]]
       ordo callbacks list [--resource ID | --environment NAME]
       ordo callbacks deliveries <id>
       ordo callbacks remove <id>

add         register a callback: every state change of the resource (or of every resource
            of the environment) is POSTed to URL, signed, or published on the NATS
            subject; --states limits it to these new states. Prints the callback's id and
            its signing secret, which is shown only once. (Here --url is the callback's
            URL: Ordo's own address comes from ORDO_URL or PORT.)
list        callbacks (for a resource: its own and its environment's)
deliveries  a callback's delivery attempts, newest first: status, HTTP status, attempt,
            latency, error
remove      remove a callback and its delivery history`,
  lifecycle: `Usage: ordo lifecycle put <file>
       ordo lifecycle show <type> [--version N]
       ordo lifecycle list

put    store a lifecycle definition (JSON or YAML, - for standard input) as the next
       version of its type; an invalid one is refused with every problem (exit 2)
show   a type's definition (the latest, or --version N) as JSON
list   the latest version of every type`,
  export: `Usage: ordo export <id> --format FORMAT [-o FILE]

Write a build's graph, with each component's state and outputs, in another format.

Options:
  --format FORMAT        ernest, gorch, ordo (Ordo native) or dot (Graphviz)
  -o, --output FILE      write to FILE instead of standard output`,
};

/** The help of one command, or of `ordo` itself. */
export function usage(command?: string): string {
  if (command !== undefined && isCommandName(command) && command !== 'help') {
    return `${COMMAND_USAGE[command]}\n\n${GLOBAL_OPTIONS}\n`;
  }
  return `${MAIN_USAGE}\n`;
}

// `ordo export <id> --format F [-o file]`: a build's graph in another format.
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { type ErnestMapping, exportGraph, parseGraph } from '@ordo/core';
import type { ExportArgs } from '../args';
import type { Context } from '../context';
import { CliError, EXIT, type ExitCode, ProtocolError } from '../errors';
import { formatJson } from '../format';
import type { BuildDetail } from '../rest-schemas';
import { orNoBuild } from './shared';

/** Fields of a REST build component that describe the run, not the component. */
const RUN_FIELDS = ['attempts', 'error'];

export async function exportCommand(args: ExportArgs, { client, io, cwd }: Context): Promise<ExitCode> {
  const build = await orNoBuild(args.id, client.getBuild(args.id));
  const text = exportBuild(build, args.format);
  if (args.output === undefined) {
    io.write(text);
    return EXIT.ok;
  }
  try {
    await writeFile(resolve(cwd, args.output), text);
  } catch (error) {
    throw new CliError('output', `cannot write ${args.output}: ${(error as Error).message}`, EXIT.failed, {
      cause: error,
    });
  }
  io.err(`wrote ${args.output} (${args.format})`);
  return EXIT.ok;
}

/**
 * The build as text in `format`. The REST build holds Ernest-form components and edges: they
 * become an Ernest mapping whose `changes` are the build's components (with their states and
 * provider outputs, without the run's `attempts` and `error`), which core parses into a graph
 * and exports.
 */
export function exportBuild(build: BuildDetail, format: ExportArgs['format']): string {
  const mapping: ErnestMapping = {
    id: build.id,
    edges: build.edges.map(({ source, destination }) => ({ source, destination, length: 1 })),
    components: [],
    changes: build.components.map((component) => {
      const copy: Record<string, unknown> = { ...component };
      for (const field of RUN_FIELDS) delete copy[field];
      return copy as ErnestMapping['changes'][number];
    }),
  };
  const parsed = parseGraph(mapping, 'ernest');
  if (!parsed.ok) {
    const problems = parsed.issues.map((issue) => issue.message).join('; ');
    throw new ProtocolError(`build ${build.id} cannot be converted: ${problems}`);
  }
  const result = exportGraph(parsed.graph, format);
  const text = typeof result === 'string' ? result : formatJson(result);
  return text.endsWith('\n') ? text : `${text}\n`;
}

// Reading an uploaded graph file: JSON or YAML, in any accepted format, checked with the same
// core the runner uses. Nothing here touches the editor: the caller loads a valid graph, or
// shows an invalid one's preview.
import {
  detectFormat,
  type Graph,
  type GraphFormat,
  parseGraph,
  type ValidationIssue,
  validateGraph,
} from '@ordo/core';
import { parse as parseYaml } from 'yaml';

/** design.md's default `ORDO_MAX_BODY_BYTES`. */
export const MAX_UPLOAD_BYTES = 5_242_880;

export type UploadResult =
  | { ok: true; graph: Graph; format: GraphFormat }
  | {
      ok: false;
      /** null when the file is not a graph in any known format */
      format: GraphFormat | null;
      issues: ValidationIssue[];
      /** the parsed graph, when it parsed (its problems are validation issues) */
      graph?: Graph;
    };

function isYamlName(fileName: string): boolean {
  return /\.ya?ml$/i.test(fileName);
}

/** The file's value: YAML for `.yaml`/`.yml`, else JSON (or YAML when it is not JSON). */
function decode(
  text: string,
  fileName: string,
): { ok: true; value: unknown } | { ok: false; issue: ValidationIssue } {
  const yamlIssue = (error: unknown): ValidationIssue => ({
    code: 'invalid_yaml',
    message: `${fileName} is neither JSON nor YAML: ${error instanceof Error ? error.message : String(error)}`,
    ids: [],
    path: '$',
  });
  if (isYamlName(fileName)) {
    try {
      return { ok: true, value: parseYaml(text) };
    } catch (error) {
      return { ok: false, issue: yamlIssue(error) };
    }
  }
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (jsonError) {
    if (/\.json$/i.test(fileName)) {
      const message = jsonError instanceof Error ? jsonError.message : String(jsonError);
      return {
        ok: false,
        issue: { code: 'invalid_json', message: `${fileName} is not JSON: ${message}`, ids: [], path: '$' },
      };
    }
    try {
      return { ok: true, value: parseYaml(text) };
    } catch (error) {
      return { ok: false, issue: yamlIssue(error) };
    }
  }
}

/** A graph from an uploaded file's text, valid (simulated: any provider) or with every problem. */
export function readUpload(text: string, fileName: string): UploadResult {
  const decoded = decode(text, fileName);
  if (!decoded.ok) return { ok: false, format: null, issues: [decoded.issue] };
  const parsed = parseGraph(decoded.value);
  if (!parsed.ok) return { ok: false, format: detectFormat(decoded.value) ?? null, issues: parsed.issues };
  const issues = validateGraph(parsed.graph, {
    simulate: true,
    maxBytes: MAX_UPLOAD_BYTES,
    inputBytes: new TextEncoder().encode(text).byteLength,
  });
  if (issues.length > 0) return { ok: false, format: parsed.format, issues, graph: parsed.graph };
  return { ok: true, graph: parsed.graph, format: parsed.format };
}

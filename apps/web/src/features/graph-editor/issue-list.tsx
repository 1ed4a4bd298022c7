'use client';
// A list of validation problems; choosing one selects and zooms to the component it names.
import type { ValidationIssue } from '@ordo/core';

function issueKey(issue: ValidationIssue): string {
  return `${issue.code}:${issue.path}:${issue.message}`;
}

/** Each item with a stable key: its own key, suffixed when an equal item came before. */
export function withKeys<T>(items: readonly T[], keyOf: (item: T) => string): [string, T][] {
  const seen = new Map<string, number>();
  return items.map((item) => {
    const base = keyOf(item);
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return [n === 1 ? base : `${base}#${n}`, item];
  });
}

/** Long lists are cut here: a person reads the first ones, and 10k items would slow the page. */
const SHOWN = 200;

export function IssueList({
  issues,
  label,
  onChoose,
}: {
  issues: readonly ValidationIssue[];
  label: string;
  onChoose: (issue: ValidationIssue) => void;
}) {
  return (
    <>
      {/* biome-ignore lint/a11y/noRedundantRoles: `list-style: none` drops the list role in WebKit; tests and screen readers find it by role */}
      <ul className="ge-issues" role="list" aria-label={label}>
        {withKeys(issues.slice(0, SHOWN), issueKey).map(([key, issue]) => (
          <li key={key} data-code={issue.code}>
            <button
              type="button"
              className="ge-issue"
              onClick={() => onChoose(issue)}
              disabled={issue.ids.length === 0}
              title={issue.ids.length === 0 ? undefined : `Show ${issue.ids[0]}`}
            >
              <span className="ge-issue-head">
                <code className="ge-issue-code">{issue.code}</code>
                <code className="ge-issue-path">{issue.path}</code>
              </span>
              <span className="ge-issue-message">{issue.message}</span>
              {issue.ids.length > 0 && (
                <span className="ge-issue-ids">
                  {issue.ids.map((id) => (
                    <code key={id}>{id}</code>
                  ))}
                </span>
              )}
            </button>
          </li>
        ))}
      </ul>
      {issues.length > SHOWN && <p className="ge-hint">…and {issues.length - SHOWN} more.</p>}
    </>
  );
}

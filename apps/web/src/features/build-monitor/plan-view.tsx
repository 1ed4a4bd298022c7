// The plan: the components a build runs, grouped by action, with the fields each one changes.
import { formatValue } from './format';
import type { PlanGroup } from './plan';

const MAX_ITEMS = 200;

const GROUP_NOTE: Record<string, string> = {
  create: 'made by the build',
  update: 'changed in place',
  delete: 'removed from the environment',
  get: 'read from the provider',
  find: 'looked up at the provider',
  none: 'nothing dispatched: completes at once, there to be depended on',
};

export function PlanView({ groups }: { groups: PlanGroup[] }) {
  const total = groups.reduce((n, g) => n + g.items.length, 0);
  return (
    <div className="bm-plan" data-testid="plan">
      <p className="bm-plan-summary">
        {total} component{total === 1 ? '' : 's'}:{' '}
        {groups.map((g, i) => (
          <span key={g.action}>
            {i > 0 && ', '}
            <span className={`bm-action bm-action-${g.action}`}>{g.action}</span> {g.items.length}
          </span>
        ))}
      </p>
      {groups.map((g) => (
        <details key={g.action} open className="bm-plan-group" data-action={g.action}>
          <summary>
            <span className={`bm-action bm-action-${g.action}`}>{g.action}</span> {g.items.length} ·{' '}
            <span className="bm-muted">{GROUP_NOTE[g.action] ?? ''}</span>
          </summary>
          {g.items.slice(0, MAX_ITEMS).map((item) => (
            <div key={item.id} className="bm-plan-item" data-testid={`plan-${item.id}`}>
              <div className="bm-plan-item-head">
                <span className="bm-mono">{item.id}</span>
                <span className="bm-muted">
                  {item.type} · {item.provider}
                </span>
                {item.action !== 'create' || item.exists ? (
                  <span className="bm-tag">{item.exists ? 'in environment' : 'not in environment'}</span>
                ) : null}
              </div>
              {item.changes.length === 0 ? (
                <p className="bm-small bm-muted">No field changes.</p>
              ) : (
                <table className="bm-table bm-diff">
                  <thead>
                    <tr>
                      <th>Field</th>
                      <th>Current</th>
                      <th>Desired</th>
                    </tr>
                  </thead>
                  <tbody>
                    {item.changes.map((f) => (
                      <tr key={f.field} className={`bm-diff-${f.change}`}>
                        <td className="bm-mono">{f.field}</td>
                        <td className="bm-mono bm-diff-old">{formatValue(f.current)}</td>
                        <td className="bm-mono bm-diff-new">
                          {formatValue(f.desired)}
                          {f.templated && <span className="bm-tag">resolved at dispatch</span>}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </div>
          ))}
          {g.items.length > MAX_ITEMS && (
            <p className="bm-muted">{g.items.length - MAX_ITEMS} more not shown.</p>
          )}
        </details>
      ))}
    </div>
  );
}

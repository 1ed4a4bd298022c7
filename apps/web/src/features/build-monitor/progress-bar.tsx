// A bar of the components per state (completed first), with the numbers a person reads.
import { STATE_ORDER } from './states';

export function ProgressBar({ counts, total }: { counts: Readonly<Record<string, number>>; total: number }) {
  const n = (state: string) => Math.max(0, counts[state] ?? 0);
  const done = n('completed') + n('skipped');

  return (
    <div className="bm-progress" data-testid="build-progress">
      <div
        className="bm-progress-bar"
        role="progressbar"
        aria-label="Components done"
        aria-valuemin={0}
        aria-valuemax={total}
        aria-valuenow={done}
      >
        {total > 0 &&
          STATE_ORDER.filter((s) => s !== 'waiting' && n(s) > 0).map((s) => (
            <span key={s} className={`bm-seg bm-bg-${s}`} style={{ width: `${(100 * n(s)) / total}%` }} />
          ))}
      </div>
      <div className="bm-progress-text">
        <strong>
          {done}/{total}
        </strong>{' '}
        done
        {n('running') > 0 && <span> · {n('running')} running</span>}
        {n('errored') > 0 && <span className="bm-text-bad"> · {n('errored')} failed</span>}
        {n('blocked') > 0 && <span className="bm-text-blocked"> · {n('blocked')} blocked</span>}
        {n('cancelled') > 0 && <span> · {n('cancelled')} cancelled</span>}
        {n('skipped') > 0 && <span className="bm-muted"> · {n('skipped')} skipped</span>}
        {n('waiting') > 0 && <span className="bm-muted"> · {n('waiting')} waiting</span>}
      </div>
    </div>
  );
}

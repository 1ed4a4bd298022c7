import { describe, expect, it } from 'vitest';
import { buildActions, componentActions } from './states';

const c = (state: string, extra: Partial<{ awaitingApproval: boolean; cancelRequested: boolean }> = {}) => ({
  state,
  awaitingApproval: false,
  cancelRequested: false,
  ...extra,
});

describe('buildActions', () => {
  it('offers retry after a failure and cancel while work can still happen', () => {
    expect(buildActions('errored')).toEqual(['retry']);
    expect(buildActions('cancelled')).toEqual(['retry']);
    expect(buildActions('pending')).toEqual(['cancel']);
    expect(buildActions('running')).toEqual(['cancel']);
    expect(buildActions('completed')).toEqual([]);
    expect(buildActions('cancelling')).toEqual([]);
  });
});

describe('componentActions', () => {
  it('follows the component state in a running build', () => {
    expect(componentActions('running', c('errored'))).toEqual(['retry', 'skip']);
    expect(componentActions('running', c('cancelled'))).toEqual(['retry', 'skip']);
    expect(componentActions('running', c('blocked'))).toEqual(['skip']);
    expect(componentActions('running', c('waiting'))).toEqual(['cancel']);
    expect(componentActions('running', c('running'))).toEqual(['cancel']);
    expect(componentActions('running', c('running', { cancelRequested: true }))).toEqual([]);
    expect(componentActions('running', c('waiting', { awaitingApproval: true }))).toEqual([
      'cancel',
      'approve',
    ]);
    expect(componentActions('running', c('completed'))).toEqual([]);
  });

  it('is read-only in a finished build except for retry', () => {
    expect(componentActions('errored', c('errored'))).toEqual(['retry']);
    expect(componentActions('errored', c('waiting'))).toEqual([]);
    expect(componentActions('completed', c('completed'))).toEqual([]);
    expect(componentActions('cancelling', c('errored'))).toEqual([]);
  });
});

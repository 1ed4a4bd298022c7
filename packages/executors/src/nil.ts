// `nil`: does nothing and answers done at once (gorchestrator's nil engine).
import { defineExecutor, type Executor } from './sdk';

export interface NilExecutorOptions {
  name?: string;
  provider?: string;
}

export function nilExecutor(options: NilExecutorOptions = {}): Executor {
  return defineExecutor({
    name: options.name ?? 'nil',
    provider: options.provider ?? 'nil',
    handle: async () => ({}),
  });
}

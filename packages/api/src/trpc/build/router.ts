import { router } from '../trpc';
import { actions } from './actions';
import { approve } from './approve';
import { cancel } from './cancel';
import { create } from './create';
import { events } from './events';
import { exportBuild } from './export';
import { get } from './get';
import { list } from './list';
import { logs } from './logs';
import { retry } from './retry';
import { skip } from './skip';

export const buildRouter = router({
  create,
  get,
  list,
  events,
  logs,
  actions,
  retry,
  cancel,
  skip,
  approve,
  export: exportBuild,
});

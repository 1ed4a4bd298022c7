import { router } from '../trpc';
import { get } from './get';
import { list } from './list';
import { save } from './save';

export const lifecycleRouter = router({ save, list, get });

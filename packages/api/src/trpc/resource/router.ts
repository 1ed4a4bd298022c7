import { router } from '../trpc';
import { action } from './action';
import { get } from './get';
import { list } from './list';

export const resourceRouter = router({ list, get, action });

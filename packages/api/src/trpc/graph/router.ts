import { router } from '../trpc';
import { get } from './get';
import { list } from './list';
import { save } from './save';
import { validate } from './validate';

export const graphRouter = router({ validate, save, list, get });

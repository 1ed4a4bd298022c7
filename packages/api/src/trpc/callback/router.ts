import { router } from '../trpc';
import { create } from './create';
import { deliveries } from './deliveries';
import { list } from './list';
import { remove } from './remove';

export const callbackRouter = router({ create, list, remove, deliveries });

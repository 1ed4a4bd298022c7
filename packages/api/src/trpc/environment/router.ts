import { router } from '../trpc';
import { list } from './list';

export const environmentRouter = router({ list });

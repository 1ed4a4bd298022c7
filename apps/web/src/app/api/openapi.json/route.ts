// The OpenAPI 3.1 document of the REST API, generated from the routes' zod schemas.
import { restHandler } from '@/server/handlers';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export { restHandler as GET };

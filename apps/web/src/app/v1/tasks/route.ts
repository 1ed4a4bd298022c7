// gorchestrator-compatible task API (POST, GET; GET/DELETE /v1/tasks/{id}), answered by the
// REST handler.
import { restHandler } from '@/server/handlers';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export {
  restHandler as DELETE,
  restHandler as GET,
  restHandler as PATCH,
  restHandler as POST,
  restHandler as PUT,
};

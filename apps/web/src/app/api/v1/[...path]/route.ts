// REST v1 (design.md "REST API (v1)"): every method goes to the one handler, which answers
// 404 for an unknown route and 405 for a method the route does not take.
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

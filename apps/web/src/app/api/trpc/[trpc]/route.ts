// tRPC for the web UI (fetch adapter), at /api/trpc/<procedure>.
import { trpcHandler } from '@/server/handlers';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export { trpcHandler as GET, trpcHandler as POST };

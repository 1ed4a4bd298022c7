// Where the browser reads live events: the NATS WebSocket listener and the subscribe-only
// `viewer` user (infra/nats.conf). The host is the one the page was loaded from, so a
// dashboard opened from another machine reaches the same server.
import { NextResponse } from 'next/server';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export function GET(request: Request): NextResponse {
  const explicit = process.env.NATS_WS_PUBLIC_URL;
  const port = process.env.NATS_WS_PORT || '4223';
  const host = (request.headers.get('host') ?? '127.0.0.1').replace(/:\d+$/, '');
  const wsUrl = explicit || `ws://${host}:${port}`;
  return NextResponse.json({ wsUrl, user: 'viewer', pass: 'viewer' });
}

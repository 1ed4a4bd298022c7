'use client';
// The browser's tRPC client through TanStack Query (style.md habit 7: types flow from the
// routers' zod schemas to React). Every request carries the operator's name in `Ordo-Actor`.
import type { AppRouter } from '@ordo/api';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { createTRPCClient, httpBatchLink } from '@trpc/client';
import { createTRPCContext } from '@trpc/tanstack-react-query';
import { type ReactNode, useState } from 'react';

export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();

const ACTOR_KEY = 'ordo.actor';

/** Who the operator is, as recorded with every action (set on the page header). */
export function currentActor(): string {
  if (typeof window === 'undefined') return 'operator';
  return window.localStorage.getItem(ACTOR_KEY) || 'operator';
}

export function setActor(name: string): void {
  window.localStorage.setItem(ACTOR_KEY, name.trim().slice(0, 200) || 'operator');
}

export function Providers({ children }: { children: ReactNode }) {
  const [queryClient] = useState(
    () => new QueryClient({ defaultOptions: { queries: { staleTime: 5_000, refetchOnWindowFocus: false } } }),
  );
  const [trpcClient] = useState(() =>
    createTRPCClient<AppRouter>({
      links: [httpBatchLink({ url: '/api/trpc', headers: () => ({ 'Ordo-Actor': currentActor() }) })],
    }),
  );
  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        {children}
      </TRPCProvider>
    </QueryClientProvider>
  );
}

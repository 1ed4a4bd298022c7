'use client';
// The environment's current components, for the plan. There is no procedure that answers them
// directly yet (see the report: `environment.get`); the export of any build of the environment
// carries them as its `components`, read as the environment stands now.
import { type Component, parseGraph } from '@ordo/core';
import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { useTRPC } from '@/trpc/client';

export interface EnvironmentCurrent {
  /** null while loading or when the environment has never had a build */
  components: Component[] | null;
  /** the environment has had a build */
  known: boolean;
  loading: boolean;
}

export function useEnvironmentCurrent(environment: string): EnvironmentCurrent {
  const trpc = useTRPC();
  const name = environment.trim();
  const latest = useQuery({
    ...trpc.build.list.queryOptions({ environment: name, limit: 1 }),
    enabled: name !== '',
  });
  const buildId = latest.data?.builds[0]?.id;
  const exported = useQuery({
    ...trpc.build.export.queryOptions({ id: buildId ?? '-', format: 'ordo' }),
    enabled: buildId !== undefined,
  });
  const components = useMemo(() => {
    const content = exported.data?.content;
    if (!content || typeof content !== 'object') return null;
    const parsed = parseGraph(content, 'ordo');
    return parsed.ok ? parsed.graph.current : null;
  }, [exported.data]);
  return {
    components: buildId === undefined ? (latest.isSuccess ? [] : null) : components,
    known: buildId !== undefined,
    loading: latest.isLoading || exported.isLoading,
  };
}

// What a person reads when the API refuses: the runner's reason for a refused action (409),
// every validation problem of a refused graph, or the error message.
import { TRPCClientError } from '@trpc/client';

export interface ErrorIssue {
  code: string;
  message: string;
  ids: string[];
  path: string;
}

interface OrdoErrorData {
  ordoCode?: string | null;
  reason?: string | null;
  issues?: ErrorIssue[];
}

function dataOf(error: unknown): OrdoErrorData | undefined {
  if (error instanceof TRPCClientError) return (error.data ?? undefined) as OrdoErrorData | undefined;
  return undefined;
}

/** The reason to show for a failed request. */
export function errorReason(error: unknown): string {
  const data = dataOf(error);
  if (data?.reason) return data.reason;
  if (error instanceof Error) return error.message;
  return String(error);
}

/** Validation problems carried by a refused request (empty when there are none). */
export function errorIssues(error: unknown): ErrorIssue[] {
  return dataOf(error)?.issues ?? [];
}

/**
 * Templates in component fields: Ernest's `$(path)` and Ordo's `${component_id.field}`.
 * Resolution is data lookup only; see resolve.ts for the rules and path.ts for the path syntax.
 */

export { listTemplateRefs } from './refs';
export { hasTemplates, MAX_TEMPLATE_DEPTH, resolveTemplates } from './resolve';
export type { ResolveResult, TemplateContext, TemplateRef } from './types';

/** Cloud state rules: tracked resources, allowed actions, poll answers (resource.ts). */
export * from './resource';

// NATS callbacks: the subject a state change is published on. It must be a plain subject (no
// wildcards) outside what Ordo itself uses, so a callback can never inject a dispatch, a
// control command or a build event.
const TOKEN = /^[A-Za-z0-9_-]+$/;
const RESERVED_ROOTS = ['ordo', '$JS', '$SYS', '$KV', '$O', '_INBOX'];

/** Why `subject` may not be a callback subject, or undefined when it may. */
export function callbackSubjectRefusal(subject: string, execPrefix: string): string | undefined {
  const tokens = subject.split('.');
  if (subject.length > 255) return 'a callback subject may be at most 255 characters';
  if (!tokens.every((t) => TOKEN.test(t))) {
    return `"${subject}" is not a plain NATS subject: tokens of [A-Za-z0-9_-] separated by dots, no wildcards`;
  }
  const root = tokens[0] ?? '';
  if (RESERVED_ROOTS.includes(root)) return `subjects under "${root}." are reserved`;
  if (execPrefix === '' && (tokens.length === 3 || tokens.length === 4)) {
    return 'with an empty ORDO_SUBJECT_PREFIX, subjects of 3 or 4 tokens are executor dispatches and results';
  }
  return undefined;
}

// @ordo/callbacks: what the API (registration) and the runner (deliveries) share about
// callbacks: the SSRF guard, the signature, one HTTP delivery attempt, subject rules.
export { type HttpAttempt, type PostOptions, postCallback } from './deliver';
export {
  type Allowlist,
  blockedReason,
  checkCallbackUrl,
  EMPTY_ALLOWLIST,
  guardedLookup,
  parseAllowlist,
  type Resolver,
  refusal,
  type UrlCheck,
} from './guard';
export {
  newCallbackSecret,
  SIGNATURE_HEADER,
  signatureHeaders,
  signPayload,
  TIMESTAMP_HEADER,
  type VerifyResult,
  verifySignature,
} from './signature';
export { callbackSubjectRefusal } from './subject';

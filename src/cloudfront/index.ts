/** The CloudFront core: what CloudFront does with signed cookies and URLs, as pure functions. */
export {
  CloudFrontBase64Error,
  decodeCloudFrontBase64,
  encodeCloudFrontBase64,
  tryDecodeCloudFrontBase64,
} from './base64';
export { type Cidr, ipInCidr, parseCidr, parseIp } from './ip';
export {
  buildCannedPolicy,
  buildPolicy,
  encodePolicy,
  type ParsedPolicy,
  PolicyError,
  type PolicyErrorCode,
  parsePolicy,
  parsePolicyJson,
  tryParsePolicy,
} from './policy';
export {
  CLOUDFRONT_COOKIE_NAMES,
  renderExpiredCookie,
  renderSetCookie,
  renderSetCookies,
  SignError,
  type SigningKey,
  type SignUrlInput,
  signCookies,
  signUrl,
} from './signer';
export type * from './types';
export {
  CLOUDFRONT_MESSAGES,
  cloudFrontErrorBody,
  explainRequest,
  SIGNED_URL_PARAMS,
  setSignatureCache,
  stripSigningParams,
  trustedKeysFromPem,
  type VerifyExplained,
  type VerifyFacts,
  verifyRequest,
} from './verifier';
export { matchResource, splitUrl } from './wildcard';

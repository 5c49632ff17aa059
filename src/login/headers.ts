/**
 * Request headers of our own between CloudFront and the login function. Their names may not begin
 * with `x-edge-` or `x-amz-`: CloudFront refuses such origin custom headers and edge functions may
 * not add them (see src/cloudfront/aws-rules.ts).
 */

/** The origin custom header CloudFront adds on `/auth/*` (it replaces any viewer-sent copy). */
export const ORIGIN_SECRET_HEADER = 'x-auth-origin-secret';

/** The header a CloudFront Function on `/auth/*` fills with the viewer's Host (the origin sees its own). */
export const VIEWER_HOST_HEADER = 'x-auth-viewer-host';

/**
 * The header the `/auth/*` CloudFront Function fills with `event.viewer.ip`, always overwriting a
 * viewer-sent copy. Behind CloudFront a function URL's `requestContext.http.sourceIp` is CloudFront's
 * own address, so this is the only place the viewer's address reaches the login function.
 */
export const VIEWER_IP_HEADER = 'x-auth-viewer-ip';

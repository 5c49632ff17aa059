// CloudFront Function (cloudfront-js-2.0), viewer request on /auth/*.
// A Lambda function URL origin must receive its own host in Host, so the behavior's origin request
// policy (AllViewerExceptHostHeader) drops the viewer's Host. The login function still needs the
// host the viewer used (cookie scope, redirects), and the distribution's domain cannot be put in
// its environment without a circular dependency: copy Host into a header of our own instead.
// Behind CloudFront the function URL sees CloudFront's address as sourceIp, so the viewer's address
// (event.viewer.ip) goes into a header of ours too, for IP-bound cookies.
// Whatever a viewer sent in these headers is overwritten, so they cannot be spoofed through CloudFront.
// Header names must not begin with x-edge- or x-amz-: edge functions may not add those.
// Plain ES5 on purpose: the CloudFront Functions runtime is not Node.js.
// biome-ignore lint/correctness/noUnusedVariables: CloudFront calls the top-level `handler`.
function handler(event) {
  var request = event.request;
  var host = request.headers.host ? request.headers.host.value : '';
  if (host) {
    request.headers['x-auth-viewer-host'] = { value: host };
  } else {
    delete request.headers['x-auth-viewer-host'];
  }
  request.headers['x-auth-viewer-ip'] = { value: event.viewer.ip };
  return request;
}

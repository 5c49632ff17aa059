// CloudFront Function (cloudfront-js-2.0), viewer request on /auth/*.
// A Lambda function URL origin must receive its own host in Host, so the behavior's origin request
// policy (AllViewerExceptHostHeader) drops the viewer's Host. The login function still needs the
// host the viewer used (cookie scope, redirects), and the distribution's domain cannot be put in
// its environment without a circular dependency: copy Host into a header of our own instead.
// Whatever a viewer sent in that header is overwritten, so it cannot be spoofed through CloudFront.
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
  return request;
}

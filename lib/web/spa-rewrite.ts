/**
 * CloudFront Function (viewer request, S3 behaviour only): a path without a file extension is a
 * page of the single-page app, so it gets the app shell. Unlike distribution-wide error responses,
 * this never turns an API 404 or a missing asset into index.html.
 */
export const SPA_REWRITE_FUNCTION = `function handler(event) {
  var request = event.request;
  var lastSegment = request.uri.substring(request.uri.lastIndexOf('/') + 1);
  if (lastSegment.indexOf('.') === -1) request.uri = '/index.html';
  return request;
}`;

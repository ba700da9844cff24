import { EDGE_HEADERS } from '../../contract/request-limits';

/**
 * CloudFront Function (viewer request, `/api/*` only): tells the API the buyer's own address.
 * Behind CloudFront, API Gateway's `sourceIp` is an edge server's, shared by many buyers; the abuse
 * limits count per buyer, so the viewer's address (`event.viewer.ip`, the connection CloudFront
 * accepted) goes along in a header, replacing whatever a client sent under that name. The handlers
 * trust it only together with the edge key CloudFront adds as an origin header
 * (lambdas/api/request.ts `clientAddress`).
 */
export const VIEWER_ADDRESS_FUNCTION = `function handler(event) {
  var request = event.request;
  request.headers['${EDGE_HEADERS.viewerAddress}'] = { value: event.viewer.ip };
  return request;
}`;

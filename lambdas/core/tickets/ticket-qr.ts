import QRCode from 'qrcode';

/**
 * The QR code of a signed ticket token as a PNG, for clients that want an image
 * (`GET /api/orders/{orderId}/tickets/{ticketId}/qr`). Rendered on request, never stored; the
 * browser renders the same code from the token itself (frontend/src/TicketView.tsx).
 */
export const QR_OPTIONS = { errorCorrectionLevel: 'M', margin: 1, width: 240 } as const;

export function ticketQrPng(token: string): Promise<Buffer> {
  return QRCode.toBuffer(token, { ...QR_OPTIONS, type: 'png' });
}

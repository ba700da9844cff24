import jsQR from 'jsqr';

/**
 * Reading a ticket's QR code from camera frames where the browser cannot (no BarcodeDetector:
 * Firefox, older Safari, most desktops): a frame is drawn onto a canvas and its pixels handed to
 * jsQR. Kept apart from the page so the decoding is tested on real QR pixels without a browser.
 */

/** RGBA pixels, row by row: what a canvas's getImageData returns (and a test can build). */
export interface Frame {
  readonly data: Uint8ClampedArray;
  readonly width: number;
  readonly height: number;
}

/** The code a frame shows, or undefined when it shows none (or none jsQR can read). */
export function codeInFrame(frame: Frame): string | undefined {
  if (frame.width === 0 || frame.height === 0) return undefined;
  // Tickets are dark on light; a phone pointed at a dark-mode screen may see them inverted.
  const found = jsQR(frame.data, frame.width, frame.height, { inversionAttempts: 'attemptBoth' });
  return found?.data ? found.data : undefined;
}

/**
 * The longest side a frame is scaled down to before decoding: a QR code held at a door fills a
 * good part of the picture, and jsQR's time grows with the pixels.
 */
const MAX_SIDE = 640;

/** The size to draw a video frame at (aspect kept, longest side at most MAX_SIDE). */
export function frameSize(videoWidth: number, videoHeight: number): { width: number; height: number } {
  const scale = Math.min(1, MAX_SIDE / Math.max(videoWidth, videoHeight, 1));
  return { width: Math.round(videoWidth * scale), height: Math.round(videoHeight * scale) };
}

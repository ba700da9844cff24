import { type Frame, frameSize } from './qr-frames';

/**
 * A camera frame as pixels for the QR decoder (the DOM half of qr-frames.ts, which stays free of
 * DOM types so tests outside a browser can use it).
 */

/** One frame of the video, drawn onto the (reused) canvas; undefined until the video has a picture. */
export function grabFrame(video: HTMLVideoElement, canvas: HTMLCanvasElement): Frame | undefined {
  if (video.readyState < video.HAVE_CURRENT_DATA || video.videoWidth === 0) return undefined;
  const { width, height } = frameSize(video.videoWidth, video.videoHeight);
  if (canvas.width !== width) canvas.width = width;
  if (canvas.height !== height) canvas.height = height;
  const context = canvas.getContext('2d', { willReadFrequently: true });
  if (!context) return undefined;
  context.drawImage(video, 0, 0, width, height);
  return context.getImageData(0, 0, width, height);
}

import QRCode from 'qrcode';
import { describe, expect, it } from 'vitest';
import { codeInFrame, type Frame, frameSize } from '../../frontend/src/qr-frames';
import { ticketIdOf, ticketToken } from '../../lambdas/core/tickets/ticket-tokens';

/**
 * The door page's fallback decoder: camera frames (RGBA pixels, as a canvas gives them) → the
 * ticket's code, by jsQR. Real QR codes drawn by the `qrcode` package (as the tickets page draws
 * them) into a frame, with a quiet zone, as a camera would see one.
 */

/** A frame showing `text` as a QR code: `scale` pixels a module, dark on light (or inverted), at an offset in a larger picture. */
function qrFrame(
  text: string,
  options: { scale?: number; invert?: boolean; width?: number; height?: number } = {},
): Frame {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const scale = options.scale ?? 4;
  const side = (modules.size + 8) * scale; // 4 modules of quiet zone each side
  const width = options.width ?? side;
  const height = options.height ?? side;
  const [left, top] = [Math.floor((width - side) / 2), Math.floor((height - side) / 2)];
  const data = new Uint8ClampedArray(width * height * 4);
  const [dark, light] = options.invert ? [255, 0] : [0, 255];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const [mx, my] = [Math.floor((x - left) / scale) - 4, Math.floor((y - top) / scale) - 4];
      const inCode = mx >= 0 && my >= 0 && mx < modules.size && my < modules.size;
      const value = inCode && modules.get(my, mx) ? dark : light;
      const i = (y * width + x) * 4;
      data[i] = data[i + 1] = data[i + 2] = value;
      data[i + 3] = 255;
    }
  }
  return { data, width, height };
}

describe('reading a QR code from a camera frame (jsQR)', () => {
  const token = ticketToken(
    {
      ticketId: ticketIdOf('ord_6f1c2c52-4a57-4a4e-9d0a-3c1c3bb1f0aa', 'C7'),
      orderId: 'ord_6f1c2c52-4a57-4a4e-9d0a-3c1c3bb1f0aa',
      eventId: 'door-event',
      seatId: 'C7',
    },
    'test-ticket-signing-key-0123456789',
  );

  it("reads a real ticket's signed token", () => {
    expect(codeInFrame(qrFrame(token))).toBe(token);
  });

  it('reads it in a larger picture, off-centre, and inverted (a dark-mode screen)', () => {
    expect(codeInFrame(qrFrame(token, { width: 640, height: 480, scale: 3 }))).toBe(token);
    expect(codeInFrame(qrFrame(token, { invert: true }))).toBe(token);
  });

  it('a frame with no code, or an empty frame, reads as nothing', () => {
    const blank = { data: new Uint8ClampedArray(320 * 240 * 4).fill(200), width: 320, height: 240 };
    expect(codeInFrame(blank)).toBeUndefined();
    expect(codeInFrame({ data: new Uint8ClampedArray(0), width: 0, height: 0 })).toBeUndefined();
  });

  it('frames are scaled down to at most 640 px on their longest side, aspect kept', () => {
    expect(frameSize(1920, 1080)).toEqual({ width: 640, height: 360 });
    expect(frameSize(480, 640)).toEqual({ width: 480, height: 640 });
    expect(frameSize(320, 240)).toEqual({ width: 320, height: 240 });
  });
});

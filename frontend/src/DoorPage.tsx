import { type FormEvent, useCallback, useEffect, useRef, useState } from 'react';
import type { CheckIn, CheckInResult } from '../../contract/check-in';
import { ApiError } from './api';
import type { StaffApi, StaffCredential } from './staff-api';
import { doorCredentialFromToken, forgetCredential, loadCredential, saveCredential } from './staff-storage';

/**
 * The door (`/door`): staff scan a ticket's QR code with the phone's camera (the browser's
 * BarcodeDetector where there is one, jsQR otherwise) or type / paste its code, and get one big answer. The door
 * credential arrives once in the link's fragment (`#credential=…`, from the console) and is kept
 * in this tab's sessionStorage only.
 */
export function DoorPage({ api }: { api: StaffApi }) {
  const [credential, setCredential] = useState<StaffCredential | undefined>(() => adoptLinkCredential());
  const [answer, setAnswer] = useState<Answer>();
  const [busy, setBusy] = useState(false);

  const check = useCallback(
    async (code: string) => {
      if (!credential?.eventId || code.trim() === '') return;
      setBusy(true);
      try {
        const checkIn = await api.checkIn(credential.token, credential.eventId, code.trim());
        setAnswer((previous) => ({ checkIn, scan: (previous?.scan ?? 0) + 1, at: Date.now() }));
      } catch (cause) {
        if (cause instanceof ApiError && (cause.status === 401 || cause.status === 403)) {
          forgetCredential('door');
          setCredential(undefined);
        }
        const error = cause instanceof Error ? cause.message : String(cause);
        setAnswer((previous) => ({ error, scan: (previous?.scan ?? 0) + 1 }));
      } finally {
        setBusy(false);
      }
    },
    [api, credential],
  );

  if (!credential)
    return (
      <section className="door">
        <h1>Door</h1>
        <div className="notice warn" role="alert">
          This device has no door credential (or it ran out). Ask an operator for a door link from the console.
        </div>
        {answer && 'error' in answer && <p className="muted small">{answer.error}</p>}
      </section>
    );
  return (
    <section className="door">
      <header className="door-head">
        <h1>{credential.door}</h1>
        <p className="muted small">
          Checking in <strong>{credential.eventId}</strong> · until{' '}
          {new Date(credential.expiresAt).toLocaleTimeString()}
        </p>
      </header>
      <ResultPanel answer={answer} />
      <CameraScanner onCode={check} />
      <CodeForm busy={busy} onCheck={check} />
    </section>
  );
}

/**
 * The latest scan's answer. Its number and time tell two guests with the same verdict apart: the
 * panel is redrawn for every scan, never left looking like the previous one.
 */
type Answer = { readonly scan: number } & (
  | { readonly checkIn: CheckIn; readonly at: number }
  | { readonly error: string }
);

/** A credential from the link's fragment is taken once and the fragment cleared (out of history and screenshots). */
function adoptLinkCredential(): StaffCredential | undefined {
  const token = /^#credential=([A-Za-z0-9_.-]+)$/.exec(window.location.hash)?.[1];
  if (token) {
    window.history.replaceState(null, '', window.location.pathname);
    const credential = doorCredentialFromToken(token);
    if (credential && credential.expiresAt > Date.now()) {
      saveCredential(credential);
      return credential;
    }
  }
  return loadCredential('door');
}

const VERDICTS: Record<CheckInResult, { word: string; tone: 'good' | 'warn' | 'bad' }> = {
  valid: { word: 'Valid — let in', tone: 'good' },
  alreadyCheckedIn: { word: 'Already checked in', tone: 'warn' },
  voided: { word: 'Voided — do not admit', tone: 'bad' },
  wrongEvent: { word: 'Not for this event', tone: 'bad' },
  forged: { word: 'Forged — not a TicketDrop ticket', tone: 'bad' },
};

function ResultPanel({ answer }: { answer: Answer | undefined }) {
  if (!answer)
    return (
      <div className="door-result door-result--idle" role="status">
        Scan a ticket
      </div>
    );
  if ('error' in answer)
    return (
      <div className="door-result door-result--bad" role="alert" data-testid="check-in-result" data-result="error">
        <strong>Could not check</strong>
        <span>{answer.error}</span>
      </div>
    );
  const { checkIn } = answer;
  const verdict = VERDICTS[checkIn.result];
  return (
    <div
      key={answer.scan}
      className={`door-result door-result--${verdict.tone}`}
      role="alert"
      data-testid="check-in-result"
      data-result={checkIn.result}
    >
      <strong>{verdict.word}</strong>
      {checkIn.ticket && checkIn.result !== 'forged' && (
        <span className="door-seat">
          Seat {checkIn.ticket.seatId}
          {checkIn.result === 'wrongEvent' ? ` · for ${checkIn.ticket.eventId}` : ''}
        </span>
      )}
      {checkIn.result === 'alreadyCheckedIn' && checkIn.checkedInAt !== undefined && (
        <span>
          at {new Date(checkIn.checkedInAt).toLocaleTimeString()} by {checkIn.door}
        </span>
      )}
      {checkIn.ticket && <span className="small">Order {checkIn.ticket.orderId}</span>}
      <span className="small">
        Scan {answer.scan} · {new Date(answer.at).toLocaleTimeString()}
      </span>
    </div>
  );
}

function CodeForm({ busy, onCheck }: { busy: boolean; onCheck: (code: string) => Promise<void> }) {
  const [code, setCode] = useState('');
  async function submit(e: FormEvent) {
    e.preventDefault();
    await onCheck(code);
    setCode('');
  }
  return (
    <form className="card staff-form" onSubmit={submit} aria-label="Check a ticket in by its code">
      <label>
        Ticket code (type or paste what the QR code says)
        <textarea value={code} onChange={(e) => setCode(e.target.value)} rows={3} spellCheck={false} required />
      </label>
      <button type="submit" className="primary" disabled={busy || code.trim() === ''}>
        {busy ? 'Checking…' : 'Check in'}
      </button>
    </form>
  );
}

/** The parts of the Barcode Detection API this page uses (not yet in TypeScript's DOM types). */
interface DetectedBarcode {
  readonly rawValue: string;
}
interface BarcodeDetectorLike {
  detect(source: HTMLVideoElement): Promise<DetectedBarcode[]>;
}
type BarcodeDetectorConstructor = new (options: { formats: string[] }) => BarcodeDetectorLike;

function barcodeDetector(): BarcodeDetectorConstructor | undefined {
  return (window as unknown as { BarcodeDetector?: BarcodeDetectorConstructor }).BarcodeDetector;
}

/** Frames decoded per second: enough to feel instant, little enough for a cheap phone's CPU and battery. */
const FRAMES_PER_SECOND = 4;

/**
 * The camera: frames decoded a few times a second — by the browser's BarcodeDetector where there
 * is one, else drawn onto a canvas and read by jsQR (qr-frames.ts). A hit stops the scanning and
 * releases the camera (the answer is on screen; "Scan next ticket" starts it again), and so does
 * leaving the page or hiding the tab: no camera stays on in a pocket.
 */
function CameraScanner({ onCode }: { onCode: (code: string) => Promise<void> }) {
  const [on, setOn] = useState(false);
  const [scanned, setScanned] = useState(0);
  const [problem, setProblem] = useState<string>();
  const video = useRef<HTMLVideoElement>(null);
  const latest = useRef(onCode);
  latest.current = onCode;
  const Detector = barcodeDetector();

  useEffect(() => {
    if (!on) return;
    let stopped = false;
    let stream: MediaStream | undefined;
    const release = () => {
      for (const track of stream?.getTracks() ?? []) track.stop();
      if (video.current) video.current.srcObject = null;
    };
    const detector = Detector ? new Detector({ formats: ['qr_code'] }) : undefined;
    const canvas = document.createElement('canvas');
    // jsQR is loaded only by a browser that needs it (its own chunk): the buyer's pages never carry it.
    const reader = detector ? undefined : Promise.all([import('./video-frames'), import('./qr-frames')]);
    const decode = async (source: HTMLVideoElement): Promise<string | undefined> => {
      if (detector) return (await detector.detect(source).catch(() => []))[0]?.rawValue || undefined;
      const [{ grabFrame }, { codeInFrame }] = await reader!;
      const frame = grabFrame(source, canvas);
      return frame ? codeInFrame(frame) : undefined;
    };
    const hidden = () => {
      if (document.hidden) setOn(false);
    };
    document.addEventListener('visibilitychange', hidden);
    (async () => {
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' } });
      if (stopped || !video.current) return release(); // turned off while the camera was starting
      video.current.srcObject = stream;
      await video.current.play();
      while (!stopped && video.current) {
        const code = await decode(video.current);
        if (stopped) return;
        if (code) {
          setOn(false); // the cleanup releases the camera
          setScanned((n) => n + 1);
          await latest.current(code);
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, 1000 / FRAMES_PER_SECOND));
      }
    })().catch((cause: unknown) => {
      setProblem(`The camera could not start: ${cause instanceof Error ? cause.message : String(cause)}`);
      setOn(false);
    });
    return () => {
      stopped = true;
      document.removeEventListener('visibilitychange', hidden);
      release();
    };
  }, [on, Detector]);

  if (!navigator.mediaDevices?.getUserMedia)
    return <p className="muted small">This browser gives the page no camera: type or paste the ticket's code.</p>;
  return (
    <div className="door-camera">
      {on ? (
        <>
          <video ref={video} muted playsInline aria-label="Camera" />
          <button type="button" onClick={() => setOn(false)}>
            Stop camera
          </button>
        </>
      ) : (
        <button type="button" className="primary" onClick={() => setOn(true)}>
          {scanned > 0 ? 'Scan next ticket' : 'Scan with the camera'}
        </button>
      )}
      <p className="muted small" data-testid="qr-reader">
        {Detector ? "QR codes read by the browser's barcode detector" : 'QR codes read by jsQR'}
      </p>
      {problem && <p className="field-error">{problem}</p>}
    </div>
  );
}

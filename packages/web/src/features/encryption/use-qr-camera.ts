import { useEffect, useEffectEvent, useRef, useState } from 'react';
import { type CameraProblem, cameraProblem, qrDecoder } from './qr-decode.js';

export type CameraState = { kind: 'starting' } | { kind: 'scanning' } | { kind: 'unavailable'; problem: CameraProblem };

// A few decodes a second are enough for a code held still, and leave the main thread free.
const DECODE_EVERY_MS = 150;
// Frames are scaled down to this many pixels on their long side before decoding: a QR code
// filling part of the view still has several pixels per module, and jsQR's time grows with area.
const DECODE_SIZE = 640;

/**
 * The camera (the back one on a phone) shown live in the returned `video` (a ref for a <video>)
 * while `active`, and each QR code it sees handed to `onCode`, which answers whether to keep looking. Every track is stopped
 * when `active` turns false or the component goes, so the camera light goes off with the dialog.
 */
export function useQrCamera(active: boolean, onCode: (text: string) => boolean) {
  const video = useRef<HTMLVideoElement>(null);
  const [state, setState] = useState<CameraState>({ kind: 'starting' });
  const seen = useEffectEvent(onCode);
  useEffect(() => {
    const element = video.current;
    if (!active || !element) return;
    let stopped = false;
    let stream: MediaStream | null = null;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const stopTracks = () => stream?.getTracks().forEach((track) => track.stop());
    const run = async () => {
      setState({ kind: 'starting' });
      if (!window.isSecureContext) return setState({ kind: 'unavailable', problem: 'insecure' });
      if (!navigator.mediaDevices?.getUserMedia) return setState({ kind: 'unavailable', problem: 'no-camera' });
      // The decoder loads while the camera starts (and while someone answers the permission prompt).
      const decoder = qrDecoder();
      try {
        stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false });
      } catch (error) {
        if (!stopped) setState({ kind: 'unavailable', problem: cameraProblem(error) });
        return;
      }
      // Closed while the permission prompt was up: the stream came too late to show.
      if (stopped) return stopTracks();
      element.srcObject = stream;
      // A video that cannot autoplay still gives frames to draw once it has data.
      await element.play().catch(() => undefined);
      const decode = await decoder;
      if (stopped) return;
      setState({ kind: 'scanning' });
      const canvas = document.createElement('canvas');
      const context = canvas.getContext('2d', { willReadFrequently: true });
      if (!context) return setState({ kind: 'unavailable', problem: 'failed' });
      const tick = async () => {
        if (stopped) return;
        if (element.readyState >= HTMLMediaElement.HAVE_CURRENT_DATA && element.videoWidth > 0) {
          const scale = Math.min(1, DECODE_SIZE / Math.max(element.videoWidth, element.videoHeight));
          canvas.width = Math.round(element.videoWidth * scale);
          canvas.height = Math.round(element.videoHeight * scale);
          context.drawImage(element, 0, 0, canvas.width, canvas.height);
          const text = await decode(context.getImageData(0, 0, canvas.width, canvas.height)).catch(() => null);
          if (stopped) return;
          if (text !== null && !seen(text)) return;
        }
        timer = setTimeout(() => void tick(), DECODE_EVERY_MS);
      };
      void tick();
    };
    void run();
    return () => {
      stopped = true;
      clearTimeout(timer);
      stopTracks();
      element.srcObject = null;
    };
  }, [active]);
  return { video, state };
}

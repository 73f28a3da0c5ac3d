/** At most one tone in this long, however many messages arrive together. */
export const SOUND_GAP_MS = 2000;

let context: AudioContext | null = null;
let lastPlayed = -Infinity;

/**
 * A short two-note chime synthesised with WebAudio (no audio file to ship or cache): two sine
 * notes with quick fades, so it never clicks. Resolves false when it was skipped (too soon after
 * the last, or the browser has no WebAudio).
 */
export async function playNotificationSound(now = performance.now()): Promise<boolean> {
  if (now - lastPlayed < SOUND_GAP_MS || typeof AudioContext === 'undefined') return false;
  lastPlayed = now;
  context ??= new AudioContext();
  // Allowed once the page had a gesture (the click that turned sound on); otherwise silent.
  if (context.state === 'suspended') await context.resume().catch(() => undefined);
  const start = context.currentTime;
  for (const [offset, frequency] of [
    [0, 880],
    [0.12, 1320],
  ] as const) {
    const oscillator = context.createOscillator();
    const gain = context.createGain();
    oscillator.type = 'sine';
    oscillator.frequency.value = frequency;
    gain.gain.setValueAtTime(0, start + offset);
    gain.gain.linearRampToValueAtTime(0.15, start + offset + 0.015);
    gain.gain.exponentialRampToValueAtTime(0.0001, start + offset + 0.25);
    oscillator.connect(gain).connect(context.destination);
    oscillator.start(start + offset);
    oscillator.stop(start + offset + 0.27);
  }
  return true;
}

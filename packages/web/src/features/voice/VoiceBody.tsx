import { useEffect, useRef, useState } from 'react';
import type { MessageContext } from '../messages/extensions.js';
import { encryptedFilesOf } from '@confab/client';
import { useDecryptedFileUrl, useFileUrl } from '../attachments/file-urls.js';
import { WaveformSlider } from './WaveformSlider.js';
import { formatDuration } from './waveform.js';
import { Pause, Play } from 'lucide-react';

/**
 * A voice note, played inline: play/pause, its waveform as the seek bar, the time. In an encrypted
 * conversation the audio is decrypted in this browser (its key came inside the MLS message).
 */
export function VoiceBody({ context }: { context: MessageContext }) {
  const { message, services } = context;
  const attachment = message.attachments?.[0];
  const sealed = encryptedFilesOf(message)[0];
  const audio = useRef<HTMLAudioElement>(null);
  const [playing, setPlaying] = useState(false);
  const [positionMs, setPositionMs] = useState(0);
  const [wanted, setWanted] = useState(false);
  // Downloaded on first play, not for every note in the history.
  const plainFile = useFileUrl(services.client, attachment?.id ?? '', 'file', wanted && !sealed && attachment !== undefined);
  const decryptedFile = useDecryptedFileUrl(services.client, sealed, wanted);
  const file = sealed ? decryptedFile : plainFile;
  const durationMs = message.voice?.durationMs ?? attachment?.durationMs ?? 0;
  useEffect(() => {
    if (wanted && file.url && audio.current && audio.current.paused) void audio.current.play().catch(() => setPlaying(false));
  }, [wanted, file.url]);
  if (!attachment) return null;
  const toggle = () => {
    const element = audio.current;
    if (!file.url || !element) return setWanted(true);
    if (element.paused) void element.play();
    else element.pause();
  };
  return (
    <div className="voice-note">
      <button type="button" className="voice-play" onClick={toggle} aria-label={playing ? 'Pause voice note' : 'Play voice note'}>
        {playing ? <Pause aria-hidden="true" size={16} /> : <Play aria-hidden="true" size={16} />}
      </button>
      <WaveformSlider
        waveform={message.voice?.waveform ?? []}
        durationMs={durationMs}
        positionMs={positionMs}
        onSeek={(ms) => {
          setPositionMs(ms);
          if (audio.current) audio.current.currentTime = ms / 1000;
        }}
      />
      <span className="voice-time">{formatDuration(playing || positionMs > 0 ? positionMs : durationMs)}</span>
      {file.failed && <span className="error">Could not load the recording.</span>}
      {file.url && (
        <audio
          ref={audio}
          src={file.url}
          preload="auto"
          onPlay={() => setPlaying(true)}
          onPause={() => setPlaying(false)}
          onEnded={() => {
            setPlaying(false);
            setPositionMs(0);
          }}
          onTimeUpdate={(e) => setPositionMs(e.currentTarget.currentTime * 1000)}
        />
      )}
    </div>
  );
}

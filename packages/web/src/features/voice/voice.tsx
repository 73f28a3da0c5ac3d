import { useEffect, useState } from 'react';
import { describeError } from '../../components/errors.js';
import { type ComposerContext, composerAddons, messageBodies } from '../messages/extensions.js';
import { VoiceBody } from './VoiceBody.js';
import { VoiceRecorder, canRecord } from './recorder.js';
import { formatDuration } from './waveform.js';
import { Mic } from 'lucide-react';
import { IconButton } from '../../components/ui/IconButton.js';

/**
 * Voice notes: "Record voice note" records from the microphone (MediaRecorder) until "Send
 * voice note" (or "Cancel"); the recording uploads with a progress bar and goes as a `voice`
 * message with its length and waveform. Played inline (VoiceBody). A browser that cannot record
 * shows no record button; notes still play. In an encrypted conversation the SDK encrypts the
 * recording before it is uploaded and sends its key, length and waveform inside the MLS message.
 */
messageBodies.voice = VoiceBody;
if (canRecord()) composerAddons.push({ id: 'voice', component: RecordControl });

type Phase = { kind: 'idle' } | { kind: 'recording'; recorder: VoiceRecorder } | { kind: 'uploading'; loaded: number; total: number };

function RecordControl({ composer }: { composer: ComposerContext }) {
  const [phase, setPhase] = useState<Phase>({ kind: 'idle' });
  const [error, setError] = useState<string | null>(null);
  const elapsed = useElapsed(phase.kind === 'recording' ? phase.recorder : null);
  useEffect(() => () => (phase.kind === 'recording' ? phase.recorder.cancel() : undefined), [phase]);

  const start = async () => {
    setError(null);
    try {
      setPhase({ kind: 'recording', recorder: await VoiceRecorder.start() });
    } catch (caught) {
      setError(
        caught instanceof DOMException && caught.name === 'NotAllowedError' ? 'The microphone is not allowed.' : describeError(caught),
      );
    }
  };
  const finish = async (recorder: VoiceRecorder) => {
    try {
      const recording = await recorder.stop();
      setPhase({ kind: 'uploading', loaded: 0, total: recording.blob.size });
      const upload = await composer.services.client.upload(recording.blob, {
        conversationId: composer.conversation.id,
        filename: `voice-note.${recording.blob.type.includes('ogg') ? 'ogg' : recording.blob.type.includes('mp4') ? 'm4a' : 'webm'}`,
        onProgress: ({ loaded, total }) => setPhase({ kind: 'uploading', loaded, total }),
      });
      composer.send(undefined, {
        kind: 'voice',
        attachmentIds: [upload.id],
        voice: { durationMs: recording.durationMs, waveform: recording.waveform },
      });
    } catch (caught) {
      setError(describeError(caught));
    }
    setPhase({ kind: 'idle' });
  };

  if (phase.kind === 'recording') {
    return (
      <div className="voice-recorder" role="group" aria-label="Recording a voice note">
        <span className="recording-dot" aria-hidden="true" />
        <span role="timer">{formatDuration(elapsed)}</span>
        <button type="button" className="primary" onClick={() => void finish(phase.recorder)}>
          Send voice note
        </button>
        <button
          type="button"
          onClick={() => {
            phase.recorder.cancel();
            setPhase({ kind: 'idle' });
          }}
        >
          Cancel recording
        </button>
      </div>
    );
  }
  if (phase.kind === 'uploading') return <progress max={phase.total || 1} value={phase.loaded} aria-label="Uploading voice note" />;
  return (
    <>
      <IconButton label="Record voice note" icon={<Mic aria-hidden="true" size={18} />} onClick={() => void start()} />
      {error && (
        <span className="error" role="alert">
          {error}
        </span>
      )}
    </>
  );
}

/** The recording's length so far, updated a few times a second. */
function useElapsed(recorder: VoiceRecorder | null): number {
  const [elapsed, setElapsed] = useState(0);
  useEffect(() => {
    if (!recorder) return;
    const timer = setInterval(() => setElapsed(recorder.elapsedMs), 250);
    return () => clearInterval(timer);
  }, [recorder]);
  return elapsed;
}

import { type FormEvent, useState } from 'react';
import { BarChart3, Lock, Plus, X } from 'lucide-react';
import { MAX_POLL_OPTIONS, MIN_POLL_OPTIONS } from '@confab/protocol';
import { describeError } from '../../components/errors.js';
import { Dialog } from '../../components/ui/Dialog.js';
import { IconButton } from '../../components/ui/IconButton.js';
import { type ComposerContext, type MessageContext, composerAddons, messageBodies } from '../messages/extensions.js';
import './polls.css';

/**
 * Polls (issue 37): a poll message's body, with live results (the timeline applies every
 * `message.updated`) and my vote as pressed buttons, and a composer button opening the poll form.
 * In an encrypted conversation (issue 39) the same: the SDK sends the poll and the votes inside
 * MLS messages, counts them in this browser and tells each new count as the poll's `message.updated`;
 * only its author closes it there (other devices could not check an admin's role).
 */
messageBodies.poll = PollBody;
composerAddons.push({ id: 'poll', component: NewPoll });

function PollBody({ context }: { context: MessageContext }) {
  const { message, services, mine, conversation } = context;
  const [error, setError] = useState<string | null>(null);
  const poll = message.poll;
  if (!poll) return <p className="poll-gone">{message.body}</p>;
  const total = poll.options.reduce((sum, o) => sum + o.count, 0);
  const myVote = poll.anonymous ? undefined : poll.options.filter((o) => o.voterIds?.includes(services.me.id)).map((o) => o.id);
  const closed = poll.closedAt !== null;
  const mayClose = !closed && (mine || (!conversation.encrypted && conversation.kind === 'group' && conversation.myRole !== 'member'));

  async function choose(optionId: string) {
    setError(null);
    const current = myVote ?? [];
    const next = current.includes(optionId)
      ? current.filter((id) => id !== optionId)
      : poll!.multiple
        ? [...current, optionId]
        : [optionId];
    try {
      await services.client.messages.vote(message.id, next);
    } catch (e) {
      setError(describeError(e));
    }
  }

  async function close() {
    setError(null);
    try {
      await services.client.messages.closePoll(message.id);
    } catch (e) {
      setError(describeError(e));
    }
  }

  return (
    <fieldset className="poll" aria-label={`Poll: ${poll.question}`}>
      <legend className="poll-question">{poll.question}</legend>
      <p className="poll-rules">
        {poll.multiple ? 'Choose any' : 'Choose one'}
        {poll.anonymous ? ' · anonymous' : ''}
        {closed ? ' · closed' : poll.closesAt ? ` · closes ${new Date(poll.closesAt).toLocaleString()}` : ''}
      </p>
      <ul className="poll-options">
        {poll.options.map((o) => {
          const share = total === 0 ? 0 : Math.round((o.count / total) * 100);
          const chosen = myVote?.includes(o.id) ?? false;
          return (
            <li key={o.id}>
              <button
                type="button"
                className="poll-option"
                aria-pressed={chosen}
                disabled={closed}
                onClick={() => void choose(o.id)}
                aria-label={`${o.text}: ${o.count} ${o.count === 1 ? 'vote' : 'votes'}`}
              >
                <span className="poll-bar" style={{ width: `${share}%` }} aria-hidden="true" />
                <span className="poll-text">{o.text}</span>
                <span className="poll-count" aria-hidden="true">
                  {o.count}
                </span>
              </button>
            </li>
          );
        })}
      </ul>
      <div className="poll-footer">
        <span>
          {total} {total === 1 ? 'vote' : 'votes'}
        </span>
        {mayClose && (
          <button type="button" className="poll-close" onClick={() => void close()}>
            <Lock size={14} aria-hidden="true" /> Close poll
          </button>
        )}
      </div>
      {error && (
        <p role="alert" className="poll-error">
          {error}
        </p>
      )}
    </fieldset>
  );
}

function NewPoll({ composer }: { composer: ComposerContext }) {
  const [open, setOpen] = useState(false);
  const [question, setQuestion] = useState('');
  const [options, setOptions] = useState(['', '']);
  const [multiple, setMultiple] = useState(false);
  const [anonymous, setAnonymous] = useState(false);
  const [closesAt, setClosesAt] = useState('');

  const filled = options.map((o) => o.trim()).filter((o) => o !== '');
  const ready = question.trim() !== '' && filled.length >= MIN_POLL_OPTIONS;

  function submit(event: FormEvent) {
    event.preventDefault();
    if (!ready) return;
    composer.send(undefined, {
      kind: 'poll',
      poll: {
        question: question.trim(),
        options: filled,
        multiple,
        anonymous,
        ...(closesAt ? { closesAt: new Date(closesAt).toISOString() } : {}),
      },
    });
    setOpen(false);
    setQuestion('');
    setOptions(['', '']);
    setMultiple(false);
    setAnonymous(false);
    setClosesAt('');
  }

  return (
    <>
      <IconButton label="Create a poll" icon={<BarChart3 size={18} aria-hidden="true" />} onClick={() => setOpen(true)} />
      <Dialog open={open} onOpenChange={setOpen} title="New poll">
        <form className="poll-form" onSubmit={submit}>
          <label>
            Question
            <input value={question} maxLength={300} onChange={(e) => setQuestion(e.target.value)} required />
          </label>
          {options.map((value, i) => (
            <div className="poll-form-option" key={i}>
              <label>
                {`Option ${i + 1}`}
                <input value={value} maxLength={100} onChange={(e) => setOptions(options.map((o, j) => (j === i ? e.target.value : o)))} />
              </label>
              {options.length > MIN_POLL_OPTIONS && (
                <IconButton
                  label={`Remove option ${i + 1}`}
                  icon={<X size={16} aria-hidden="true" />}
                  onClick={() => setOptions(options.filter((_, j) => j !== i))}
                />
              )}
            </div>
          ))}
          {options.length < MAX_POLL_OPTIONS && (
            <button type="button" onClick={() => setOptions([...options, ''])}>
              <Plus size={14} aria-hidden="true" /> Add option
            </button>
          )}
          <label className="poll-form-check">
            <input type="checkbox" checked={multiple} onChange={(e) => setMultiple(e.target.checked)} /> Allow several answers
          </label>
          <label className="poll-form-check">
            <input type="checkbox" checked={anonymous} onChange={(e) => setAnonymous(e.target.checked)} /> Anonymous votes
          </label>
          <label>
            Closes at (optional)
            <input type="datetime-local" value={closesAt} onChange={(e) => setClosesAt(e.target.value)} />
          </label>
          <button type="submit" className="primary" disabled={!ready}>
            Send poll
          </button>
        </form>
      </Dialog>
    </>
  );
}

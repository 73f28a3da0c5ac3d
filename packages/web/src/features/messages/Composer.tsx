import { type KeyboardEvent, memo, useEffect, useId, useLayoutEffect, useRef, useState, useSyncExternalStore } from 'react';
import { SendHorizontal, Smile } from 'lucide-react';
import type { SendOptions } from '@confab/client';
import type { ConversationSummary } from '@confab/protocol';
import { useApp } from '../../state/AppContext.js';
import { IconButton, Tooltip } from '../../components/ui/index.js';
import { type ComposerContext, composerAddons, composerBanners, composerDraftLinks, offeredIn } from './extensions.js';
import { useTypingSignal } from './useTypingSignal.js';
import { useLengthLimit } from './LengthLimit.js';
import { draftsOf } from '../composer/drafts.js';
import { DraftConflictBanner } from '../composer/DraftConflictBanner.js';
import { type Edit, type Format, applyFormat, formatShortcuts, insertAt } from '../composer/formatting.js';
import { FormatMenu, FormatToolbar } from '../composer/FormatToolbar.js';
import { EmojiPickerButton } from '../reactions/EmojiPickerButton.js';
import { editMyLastMessage } from '../editing/editing.js';
import { replyDraft } from '../replies/reply-draft.js';
import { rowMode } from '../row-mode.js';
import { ScheduleSendMenu, ScheduledHint } from '../scheduled/ScheduleSend.js';
import { matches } from '../keyboard/shortcuts.js';
import { ComposerBox } from '../composer/ComposerBox.js';
import '../composer/composer.css';

/**
 * The message field: Enter sends, Shift+Enter starts a new line, and it grows up to 40 % of the
 * window. What I type is my draft for this conversation (drafts.ts: kept across switching,
 * reloads and crashes; cleared on send), saved to the server for my other devices (draft-sync.ts:
 * another device's text comes in when I am not typing here, or is offered beside mine). Formatting (toolbar, Ctrl/⌘+B, I, E, K) writes
 * Markdown around the selection; the emoji button inserts at the caret. ↑ in an empty field
 * edits my last message; Esc cancels the reply or edit in progress. Sends go through the outbox
 * (pending at once, delivered when the connection allows). Add-ons (extensions.ts) render
 * beside the field with the same `send`; pasted or dropped files go to the attachments' tray.
 */
export const Composer = memo(function Composer({ conversation }: { conversation: ConversationSummary }) {
  const services = useApp();
  const drafts = draftsOf(services.me.id);
  const sync = services.drafts;
  const theirs = useSyncExternalStore(sync.subscribe, sync.getSnapshot).get(conversation.id);
  const onTyping = useTypingSignal(services.connection, conversation.id);
  const [text, setTextState] = useState(() => drafts.get(conversation.id) ?? '');
  // Another conversation opened in the same composer: its own draft comes back.
  const [shownFor, setShownFor] = useState(conversation.id);
  if (shownFor !== conversation.id) {
    setShownFor(conversation.id);
    setTextState(drafts.get(conversation.id) ?? '');
  }
  const id = useId();
  const field = useRef<HTMLTextAreaElement>(null);
  // A selection to restore once React has written the new text (formatting, an emoji).
  const selectionAfter = useRef<Edit | null>(null);
  // Issue 35 item 5: the instance's limit, counted near it and refused past it; a failed message's Edit lands here.
  const measured = useLengthLimit(text);
  const [carried, setCarried] = useState<SendOptions>({});

  const setText = (next: string) => {
    setTextState(next);
    sync.edited(conversation.id, next);
  };
  useEffect(
    () =>
      services.outbox.refills.listen(conversation.id, ({ body, links }) => {
        setTextState(body);
        sync.edited(conversation.id, body);
        setCarried(links);
        field.current?.focus();
      }),
    [services.outbox, conversation.id, sync],
  );
  // Switching away saves what waits for its delay; another device's text replaces mine when I was not typing.
  useEffect(() => () => sync.flush(conversation.id), [sync, conversation.id]);
  // A draft kept on the server would be there in clear: an encrypted conversation's stays on this device from the start.
  useEffect(() => {
    if (conversation.encrypted) sync.keepOnDevice(conversation.id);
  }, [sync, conversation.id, conversation.encrypted]);
  // The draft replaced from outside this field: another device's (draft-sync.ts) or another
  // page's (drafts.ts: another tab, or the page left by a reload, whose write lands late).
  useEffect(() => {
    const show = (changed: string) => changed === conversation.id && setTextState(drafts.get(changed) ?? '');
    const stops = [sync.onRemote(show), drafts.onWrittenElsewhere(show)];
    return () => stops.forEach((stop) => stop());
  }, [sync, drafts, conversation.id]);
  // Grows with its text up to the CSS max-height (40vh), then scrolls.
  useLayoutEffect(() => {
    const element = field.current;
    if (!element) return;
    element.style.height = 'auto';
    element.style.height = `${element.scrollHeight + element.offsetHeight - element.clientHeight}px`;
    const wanted = selectionAfter.current;
    if (wanted && element.value === wanted.text) {
      element.setSelectionRange(wanted.start, wanted.end);
      selectionAfter.current = null;
    }
  }, [text]);

  const replaceSelection = (change: (edit: Edit) => Edit) => {
    const element = field.current;
    const current = { text, start: element?.selectionStart ?? text.length, end: element?.selectionEnd ?? text.length };
    const next = change(current);
    selectionAfter.current = next;
    setText(next.text);
    onTyping(next.text);
    element?.focus();
  };
  const format = (kind: Format) => replaceSelection((edit) => applyFormat(edit, kind));

  const composer: ComposerContext = {
    conversation,
    services,
    text,
    setText,
    field,
    send: (body, links) => services.outbox.send(conversation.id, body, links),
  };
  const clear = () => {
    setTextState('');
    sync.sent(conversation.id);
    setCarried({});
    onTyping('');
  };
  const submit = () => {
    const body = text.trim();
    if (body === '' || measured.over) return;
    composer.send(text, Object.assign({}, carried, ...composerDraftLinks.map((draft) => draft.links(conversation.id))));
    for (const draft of composerDraftLinks) draft.sent(conversation.id);
    clear();
  };
  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.nativeEvent.isComposing || event.defaultPrevented) return;
    const shortcut = (event.ctrlKey || event.metaKey) && !event.altKey && !event.shiftKey && formatShortcuts[event.key.toLowerCase()];
    // Ctrl/⌘+K makes the selection a link; with nothing selected it is the quick switcher's (global).
    const selected = event.currentTarget.selectionStart !== event.currentTarget.selectionEnd;
    if (shortcut && (shortcut !== 'link' || selected)) {
      event.preventDefault();
      format(shortcut);
    } else if (matches('send', event)) {
      event.preventDefault();
      submit();
    } else if (matches('edit-last', event) && text === '') {
      event.preventDefault();
      void editMyLastMessage(services, conversation.id);
    } else if (matches('cancel-reply', event)) {
      if (replyDraft.get(conversation.id)) {
        event.preventDefault();
        replyDraft.set_(conversation.id, null);
      } else if (rowMode.getSnapshot()?.mode === 'edit') {
        event.preventDefault();
        rowMode.close();
      }
    }
  };
  return (
    <form
      className="composer"
      onSubmit={(event) => {
        event.preventDefault();
        submit();
      }}
    >
      <ScheduledHint conversationId={conversation.id} />
      {/* Named for screen readers; the box and its placeholder say what it is to the eye (as Slack does). */}
      <label htmlFor={id} className="visually-hidden">
        Message
      </label>
      {theirs && (
        <DraftConflictBanner
          theirs={theirs.body}
          onUseTheirs={() => {
            sync.useTheirs(conversation.id);
            setTextState(drafts.get(conversation.id) ?? '');
          }}
          onKeepMine={() => sync.keepMine(conversation.id)}
        />
      )}
      {composerBanners.map(({ id: bannerId, component: Banner }) => (
        <Banner key={bannerId} composer={composer} />
      ))}
      {/* One bordered box: formatting above the field, the add-ons and Send below it. */}
      <ComposerBox
        id={id}
        field={field}
        value={text}
        placeholder="Write a message"
        measured={measured}
        onChange={(value) => {
          setText(value);
          onTyping(value);
        }}
        onKeyDown={onKeyDown}
        toolbar={<FormatToolbar onFormat={format} />}
        tools={
          <>
            {offeredIn(conversation, composerAddons).map(({ id: addonId, component: Addon }) => (
              <Addon key={addonId} composer={composer} />
            ))}
            <EmojiPickerButton
              label="Insert an emoji"
              onPick={(emoji) => replaceSelection((edit) => insertAt(edit, emoji))}
              trigger={<IconButton label="Insert emoji" icon={<Smile aria-hidden="true" size={18} />} />}
            />
            <FormatMenu onFormat={format} />
          </>
        }
        send={
          <>
            <Tooltip label="Send (Enter)">
              <button type="submit" className="primary composer-send" aria-label="Send" disabled={measured.over}>
                <SendHorizontal aria-hidden="true" size={16} />
              </button>
            </Tooltip>
            {/* A scheduled message waits on the server in clear: refused in an encrypted conversation (the composer's note says so). */}
            {!conversation.encrypted && (
              <ScheduleSendMenu conversation={conversation} text={measured.over ? '' : text} onScheduled={clear} />
            )}
          </>
        }
      />
    </form>
  );
});

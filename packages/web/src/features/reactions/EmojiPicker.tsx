import { EmojiPicker as Frimousse } from 'frimousse';
import { useRecentEmoji } from './recent-emoji.js';
import './emoji-picker.css';

/** Where the app serves emojibase's data (vite.config.ts, emojiData): never a CDN. */
export const EMOJI_DATA_URL = '/emoji';

/**
 * The full emoji picker (frimousse): search, the categories with their headers, skin tones, and
 * a "Recently used" row on top. Loaded lazily (EmojiPickerButton) with its data: it is not in
 * the first-load bundle.
 */
export default function EmojiPicker({ onPick }: { onPick(emoji: string): void }) {
  const [recent, list] = useRecentEmoji();
  const pick = (emoji: string) => {
    recent.use(emoji);
    onPick(emoji);
  };
  return (
    <Frimousse.Root className="emoji-picker" emojibaseUrl={EMOJI_DATA_URL} onEmojiSelect={({ emoji }) => pick(emoji)} columns={8}>
      <div className="emoji-picker-top">
        <Frimousse.Search className="emoji-picker-search" aria-label="Search emoji" placeholder="Search emoji" autoFocus />
        <Frimousse.SkinToneSelector className="emoji-picker-skin" aria-label="Skin tone" />
      </div>
      {list.length > 0 && (
        <div className="emoji-picker-recent" role="group" aria-label="Recently used">
          {list.slice(0, 8).map((emoji) => (
            <button key={emoji} type="button" aria-label={emoji} onClick={() => pick(emoji)}>
              {emoji}
            </button>
          ))}
        </div>
      )}
      {/* Focusable: the arrow keys move through the emoji from here (frimousse), and a scrolling region must be reachable by keyboard. */}
      <Frimousse.Viewport className="emoji-picker-viewport" tabIndex={0} aria-label="Emoji">
        <Frimousse.Loading className="emoji-picker-note">Loading…</Frimousse.Loading>
        <Frimousse.Empty className="emoji-picker-note">No emoji found.</Frimousse.Empty>
        <Frimousse.List
          className="emoji-picker-list"
          components={{
            CategoryHeader: ({ category, ...props }) => (
              <div className="emoji-picker-category" {...props}>
                {category.label}
              </div>
            ),
            // ARIA counts from 1, frimousse from 0, and an index of 0 is invalid. Rows keep frimousse's
            // numbers (its arrow keys find the row to scroll to by them) but the first drops its own
            // (row 0 is scrolled to by moving to the top); columns are counted from 1.
            Row: ({ children, ...props }) => (
              <div {...props} aria-rowindex={props['aria-rowindex'] === 0 ? undefined : props['aria-rowindex']}>
                {children}
              </div>
            ),
            Emoji: ({ emoji, ...props }) => (
              <button className="emoji-picker-emoji" {...props} aria-colindex={oneBased(props['aria-colindex'])}>
                {emoji.emoji}
              </button>
            ),
          }}
        />
      </Frimousse.Viewport>
    </Frimousse.Root>
  );
}

function oneBased(index: number | undefined): number | undefined {
  return index === undefined ? undefined : index + 1;
}

/**
 * Every feature module that extends the conversation (features/messages/extensions.ts) is
 * imported here, once, for its side effect of registering itself. Add a line per feature.
 */
import './conversations/MembersPanel.js';

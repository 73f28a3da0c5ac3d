// Applies the theme chosen in Settings → Appearance before the first paint (a classic script in
// <head>, so it runs before the body is drawn; an inline one would be refused by the server's
// Content-Security-Policy, `script-src 'self'`). "System" leaves <html> without data-theme, and
// tokens.css follows prefers-color-scheme. Keep the key and values in step with
// src/features/account/theme.ts.
/* global document */
(function () {
  try {
    var choice = localStorage.getItem('confab.theme');
    if (choice === 'light' || choice === 'dark') document.documentElement.dataset.theme = choice;
  } catch {
    // Storage refused (a locked-down profile): the system's theme it is.
  }
})();

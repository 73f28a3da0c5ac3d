import { useEffect } from 'react';

/**
 * `react-style-singleton`'s API (v2.2), applying the styles through the CSSOM instead of a
 * `<style>` element. vite.config.ts puts this module in that package's place.
 *
 * Why: Radix's modal Dialog locks the page's scroll with react-remove-scroll, whose
 * react-remove-scroll-bar adds its rules (`body[data-scroll-locked] { overflow: hidden … }`, with
 * the scroll bar's measured width) as a `<style>` element. The server's policy, `style-src 'self'`,
 * refuses that element, so every modal dialog logged a violation and the page behind it still
 * scrolled. A constructed stylesheet adopted by the document is CSSOM, which `style-src` does not
 * govern: the rules apply and the policy stays as strict as it is.
 */
export function stylesheetSingleton(): { add(style: string): void; remove(): void } {
  let counter = 0;
  let sheet: CSSStyleSheet | null = null;
  return {
    // As the original: the first instance's styles stay until the last one goes.
    add(style) {
      if (counter === 0 && canAdopt()) {
        sheet = new CSSStyleSheet();
        sheet.replaceSync(style);
        document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
      }
      counter++;
    },
    remove() {
      counter--;
      if (counter === 0 && sheet) {
        const gone = sheet;
        document.adoptedStyleSheets = document.adoptedStyleSheets.filter((adopted) => adopted !== gone);
        sheet = null;
      }
    },
  };
}

/** A hook that adds the styles while a component using it is mounted (`isDynamic`: again when they change). */
export function styleHookSingleton(): (styles: string, isDynamic?: boolean) => void {
  const sheet = stylesheetSingleton();
  return (styles, isDynamic) => {
    useEffect(
      () => {
        sheet.add(styles);
        return () => sheet.remove();
      },
      // The original's dependency, kept: a dynamic sheet follows its styles, a static one never does.
      // eslint-disable-next-line react-hooks/exhaustive-deps
      [styles && isDynamic],
    );
  };
}

/** A component that adds the styles while any instance of it is mounted. */
export function styleSingleton(): (props: { styles: string; dynamic?: boolean }) => null {
  const useStyle = styleHookSingleton();
  return function Sheet({ styles, dynamic }) {
    useStyle(styles, dynamic);
    return null;
  };
}

/**
 * Constructable stylesheets (Chromium 73, Firefox 101, Safari 16.4). Without them the rules are
 * left out: a `<style>` element would be refused by the policy all the same.
 */
function canAdopt(): boolean {
  return typeof document !== 'undefined' && 'adoptedStyleSheets' in document && typeof CSSStyleSheet === 'function';
}

import { useState } from 'react';

/** A stack of cursors for Previous/Next over a cursor-paged list; back to page 1 when `resetKey` changes. */
export function useCursorPages(resetKey: string) {
  const [state, setState] = useState<{ key: string; stack: Array<string | undefined> }>({ key: resetKey, stack: [undefined] });
  const stack = state.key === resetKey ? state.stack : [undefined];
  return {
    cursor: stack[stack.length - 1],
    page: stack.length,
    next: (nextCursor: string | null | undefined): void => {
      if (nextCursor) setState({ key: resetKey, stack: [...stack, nextCursor] });
    },
    previous: (): void => {
      if (stack.length > 1) setState({ key: resetKey, stack: stack.slice(0, -1) });
    },
  };
}

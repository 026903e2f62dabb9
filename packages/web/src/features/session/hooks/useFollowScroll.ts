import { useCallback, useLayoutEffect, useRef, useState } from 'react';

/** Within this many pixels of the end counts as "at the latest". */
const SLACK = 32;

/**
 * A scrolling list that opens at its end and stays there as items arrive while the reader is at
 * the end; scrolled up, it stays put and offers `jumpToLatest`. `ready`: the items are complete
 * enough to open at (every page read, no search).
 */
export function useFollowScroll(items: unknown, ready: boolean) {
  const ref = useRef<HTMLOListElement>(null);
  const follow = useRef(true);
  const [atBottom, setAtBottom] = useState(true);

  const toEnd = useCallback(() => {
    const list = ref.current;
    if (list) list.scrollTop = list.scrollHeight;
  }, []);

  useLayoutEffect(() => {
    if (ready && follow.current) toEnd();
  }, [items, ready, toEnd]);

  const onScroll = () => {
    const list = ref.current;
    if (!list) return;
    const end = list.scrollHeight - list.scrollTop - list.clientHeight < SLACK;
    follow.current = end;
    setAtBottom(end);
  };

  const jumpToLatest = () => {
    follow.current = true;
    setAtBottom(true);
    toEnd();
  };

  return { ref, onScroll, atBottom, jumpToLatest };
}

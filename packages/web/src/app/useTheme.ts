import { useCallback, useState } from 'react';

export type Theme = 'dark' | 'light';
const KEY = 'claudelens.theme';

/** Dark by default; the choice is kept (index.html applies it before the first paint). */
export function useTheme(): [Theme, () => void] {
  const [theme, setTheme] = useState<Theme>(() => (document.documentElement.dataset.theme === 'light' ? 'light' : 'dark'));
  const toggle = useCallback(() => {
    setTheme((old) => {
      const next = old === 'dark' ? 'light' : 'dark';
      document.documentElement.dataset.theme = next;
      try {
        localStorage.setItem(KEY, next);
      } catch {
        // private mode: the choice lasts for this page only
      }
      return next;
    });
  }, []);
  return [theme, toggle];
}

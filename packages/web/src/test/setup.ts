import { cleanup, configure } from '@testing-library/react';
import { afterEach } from 'vitest';

// The full suite runs server, browser and web tests side by side on two cores: findBy/waitFor
// get more than their 1 s default, or a loaded machine fails them.
configure({ asyncUtilTimeout: 5000 });

// jsdom lays nothing out: give elements a size, so that virtual lists render a screenful.
Object.defineProperty(HTMLElement.prototype, 'getBoundingClientRect', {
  configurable: true,
  value() {
    return { x: 0, y: 0, top: 0, left: 0, right: 1000, bottom: 440, width: 1000, height: 440, toJSON: () => ({}) };
  },
});
for (const [name, value] of [
  ['offsetWidth', 1000],
  ['offsetHeight', 440],
  ['clientHeight', 440],
  ['clientWidth', 1000],
] as const) {
  Object.defineProperty(HTMLElement.prototype, name, { configurable: true, get: () => value });
}
window.scrollTo = () => {};
if (!HTMLElement.prototype.scrollTo) HTMLElement.prototype.scrollTo = function scrollTo() {};

afterEach(() => {
  cleanup();
  localStorage.clear();
  window.history.replaceState(null, '', '/');
});

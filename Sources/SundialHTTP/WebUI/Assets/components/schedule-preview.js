// The next fire times of the cron expression being typed, from GET /api/schedule/next,
// so the user sees what "0 9 * * 1-5" in Europe/Berlin means before saving.
import { api } from '../lib/api.js';
import { debounce, h, replace } from '../lib/dom.js';
import { absolute, parseInstant } from '../lib/format.js';

export function schedulePreview(getExpression, getTimezone) {
  const box = h('div', { class: 'schedule-preview', 'aria-live': 'polite' });
  let inFlight = null;

  const refresh = async () => {
    const expression = getExpression().trim();
    const timezone = getTimezone().trim() || 'UTC';
    inFlight?.abort();
    if (!expression) {
      replace(box);
      return;
    }
    const controller = new AbortController();
    inFlight = controller;
    try {
      const answer = await api.scheduleNext(expression, timezone, controller.signal);
      const zone = new Intl.DateTimeFormat(undefined, { timeZone: timezone, dateStyle: 'medium', timeStyle: 'short' });
      replace(box,
        h('p', { class: 'hint' }, 'Next runs:'),
        h('ol', { class: 'preview-list' }, answer.instants.map((instant) => {
          const date = parseInstant(instant);
          return h('li', null, h('time', { datetime: instant, title: `Your time: ${absolute(date)}` }, `${zone.format(date)} (${timezone})`));
        })));
    } catch (error) {
      if (controller.signal.aborted) return;
      // Before the preview API existed (404) there is simply nothing to show.
      if (error.status === 404) replace(box);
      else replace(box, h('p', { class: 'hint hint-warning' }, error.message));
    }
  };

  return { element: box, refresh: debounce(refresh, 300), refreshNow: refresh };
}

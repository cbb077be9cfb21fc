// How instants, durations and statuses read on screen.

/** Parses Metronome's `2016-07-15T13:02:59.735+0000` as well as RFC 3339. */
export function parseInstant(text) {
  if (!text) return null;
  const normalized = String(text).replace(/([+-]\d\d)(\d\d)$/, '$1:$2');
  const date = new Date(normalized);
  return Number.isNaN(date.getTime()) ? null : date;
}

const absoluteFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
const relativeFormat = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });

export function absolute(date) {
  return date ? absoluteFormat.format(date) : '—';
}

/** "3 minutes ago", "in 2 hours". */
export function relative(date, now = Date.now()) {
  if (!date) return '—';
  const seconds = Math.round((date.getTime() - now) / 1000);
  const magnitude = Math.abs(seconds);
  if (magnitude < 45) return relativeFormat.format(seconds, 'second');
  if (magnitude < 45 * 60) return relativeFormat.format(Math.round(seconds / 60), 'minute');
  if (magnitude < 22 * 3600) return relativeFormat.format(Math.round(seconds / 3600), 'hour');
  return relativeFormat.format(Math.round(seconds / 86400), 'day');
}

/** "1h 02m", "3m 05s", "4.2s". */
export function duration(milliseconds) {
  if (milliseconds == null || Number.isNaN(milliseconds)) return '—';
  const ms = Math.max(0, milliseconds);
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)}s`;
  const total = Math.round(ms / 1000);
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  const pad = (n) => String(n).padStart(2, '0');
  if (hours > 0) return `${hours}h ${pad(minutes)}m`;
  return `${minutes}m ${pad(seconds)}s`;
}

/** The user-facing word for a job-list status or a Metronome run/task status. */
export function statusLabel(status) {
  const words = {
    running: 'Running', failed: 'Failed', scheduled: 'Scheduled', completed: 'Completed', unscheduled: 'Unscheduled',
    INITIAL: 'Starting', STARTING: 'Starting', ACTIVE: 'Running', SUCCESS: 'Success', FAILED: 'Failed',
  };
  if (words[status]) return words[status];
  return String(status ?? '').replace(/^TASK_/, '').toLowerCase().replace(/^./, (c) => c.toUpperCase());
}

/** A CSS class for a status badge: ok, bad, busy or idle. */
export function statusTone(status) {
  switch (status) {
    case 'running': case 'ACTIVE': case 'INITIAL': case 'STARTING':
    case 'TASK_RUNNING': case 'TASK_STAGING': case 'TASK_STARTING': case 'TASK_CREATED':
      return 'busy';
    case 'failed': case 'FAILED': case 'TASK_FAILED': case 'TASK_KILLED':
      return 'bad';
    case 'completed': case 'SUCCESS': case 'TASK_FINISHED': case 'scheduled':
      return 'ok';
    default:
      return 'idle';
  }
}

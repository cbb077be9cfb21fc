// Small pieces every view shows the same way.
import { h, s } from '../lib/dom.js';
import { absolute, relative, statusLabel, statusTone } from '../lib/format.js';

export function statusBadge(status) {
  return h('span', { class: `badge badge-${statusTone(status)}`, dataset: { status } }, statusLabel(status));
}

/** A <time> reading "3 minutes ago" with the exact local time on hover and for readers. */
export function timeAgo(date) {
  if (!date) return h('span', { class: 'muted' }, '—');
  return h('time', { datetime: date.toISOString(), title: absolute(date) }, relative(date));
}

export function jobHref(id) {
  return `#/jobs/${encodeURIComponent(id)}`;
}

export function groupHref(group) {
  return group ? `#/jobs?group=${encodeURIComponent(group)}` : '#/jobs';
}

/** Jobs › prod › reports › nightly: each group of a dotted id is a link to its folder. */
export function breadcrumbs(id, { last = 'text' } = {}) {
  const parts = id ? id.split('.') : [];
  const items = [h('li', null, h('a', { href: '#/jobs' }, 'Jobs'))];
  parts.forEach((part, index) => {
    const prefix = parts.slice(0, index + 1).join('.');
    const isLast = index === parts.length - 1;
    let content;
    if (!isLast) content = h('a', { href: groupHref(prefix) }, part);
    else if (last === 'link') content = h('a', { href: jobHref(prefix) }, part);
    else content = h('span', { 'aria-current': 'page' }, part);
    items.push(h('li', null, content));
  });
  return h('nav', { class: 'breadcrumbs', 'aria-label': 'Breadcrumb' }, h('ol', null, items));
}

/** A message in place of a view's content when loading it failed. */
export function errorPanel(error, retry) {
  return h('div', { class: 'panel panel-error', role: 'alert' },
    h('p', null, error?.message ?? String(error)),
    retry ? h('button', { type: 'button', onclick: retry }, 'Try again') : null);
}

/** A folder glyph drawn inline (no icon font, no emoji font needed). */
export function folderIcon() {
  return s('svg', { class: 'folder-icon', viewBox: '0 0 20 16', width: 20, height: 16, 'aria-hidden': 'true', focusable: 'false' },
    s('path', { d: 'M1 3a2 2 0 0 1 2-2h4l2 2h8a2 2 0 0 1 2 2v8a2 2 0 0 1-2 2H3a2 2 0 0 1-2-2z' }));
}

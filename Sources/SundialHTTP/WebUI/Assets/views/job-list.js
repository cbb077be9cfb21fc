// The jobs list: one folder (dotted-id group) at a time, filtered and paged by the server
// (GET /api/jobs), so it stays quick with 100,000 jobs. Filters live in the URL, so Back,
// reload and shared links keep them.
import { api } from '../lib/api.js';
import { debounce, focusHeading, h, keepingFocus, replace, uniqueId } from '../lib/dom.js';
import { parseInstant } from '../lib/format.js';
import { breadcrumbs, errorPanel, folderIcon, groupHref, jobHref, statusBadge, timeAgo } from '../components/bits.js';

const STATUSES = ['running', 'failed', 'scheduled', 'completed', 'unscheduled'];
const PAGE_SIZES = [25, 50, 100, 200];
const REFRESH_MS = 5000;

function readState(params) {
  return {
    group: params.get('group') ?? '',
    q: params.get('q') ?? '',
    status: params.get('status') ?? '',
    label: params.get('label') ?? '',
    page: Math.max(1, Number.parseInt(params.get('page') ?? '1', 10) || 1),
    size: PAGE_SIZES.includes(Number(params.get('size'))) ? Number(params.get('size')) : 50,
  };
}

function stateHash(state) {
  const search = new URLSearchParams();
  if (state.group) search.set('group', state.group);
  if (state.q) search.set('q', state.q);
  if (state.status) search.set('status', state.status);
  if (state.label) search.set('label', state.label);
  if (state.page > 1) search.set('page', String(state.page));
  if (state.size !== 50) search.set('size', String(state.size));
  const text = search.toString();
  return `#/jobs${text ? `?${text}` : ''}`;
}

function isFiltered(state) {
  return Boolean(state.q || state.status || state.label);
}

export async function renderJobList(main, params, signal) {
  const state = readState(params);
  const resultsId = uniqueId('results');
  const results = h('div', { id: resultsId, class: 'list-results', 'aria-busy': 'true' });
  // Says how many jobs match after the user changed something (not on background refreshes,
  // which would otherwise read the whole table out every few seconds).
  const announcer = h('p', { class: 'visually-hidden', role: 'status' });

  // Changing a filter replaces the history entry instead of adding one per keystroke.
  const go = (changes, { push = false } = {}) => {
    const next = { ...state, ...changes };
    if (!('page' in changes)) next.page = 1;
    // pushState/replaceState do not fire hashchange, so the view stays (and keeps focus);
    // Back still fires it and rebuilds the view from the URL.
    if (push) history.pushState(null, '', stateHash(next));
    else history.replaceState(null, '', stateHash(next));
    Object.assign(state, next);
    load();
  };

  const search = h('input', {
    type: 'search', id: uniqueId('q'), name: 'q', value: state.q, placeholder: 'Search id or description', 'aria-keyshortcuts': '/', title: 'Press / to search',
    autocomplete: 'off', 'aria-controls': resultsId,
  });
  search.addEventListener('input', debounce(() => go({ q: search.value.trim() }), 250));
  // "/" jumps to the search field, as on many sites, unless the user is typing somewhere.
  const slashToSearch = (event) => {
    if (event.key !== '/' || event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.target.closest?.('input, textarea, select, [contenteditable]')) return;
    event.preventDefault();
    search.focus();
  };
  document.addEventListener('keydown', slashToSearch);
  signal.addEventListener('abort', () => document.removeEventListener('keydown', slashToSearch), { once: true });

  const statusSelect = h('select', { id: uniqueId('status'), name: 'status', 'aria-controls': resultsId },
    h('option', { value: '' }, 'Any status'),
    STATUSES.map((status) => h('option', { value: status, selected: state.status === status }, status[0].toUpperCase() + status.slice(1))));
  statusSelect.addEventListener('change', () => go({ status: statusSelect.value }));

  const labelInput = h('input', {
    type: 'text', id: uniqueId('label'), name: 'label', value: state.label, placeholder: 'key or key=value',
    autocomplete: 'off', 'aria-controls': resultsId,
  });
  labelInput.addEventListener('input', debounce(() => go({ label: labelInput.value.trim() }), 400));

  const createHref = `#/jobs/new${state.group ? `?group=${encodeURIComponent(state.group)}` : ''}`;
  replace(main,
    h('div', { class: 'page-head' },
      state.group ? breadcrumbs(state.group) : null,
      h('div', { class: 'title-row' },
        h('h1', null, state.group ? state.group.split('.').pop() : 'Jobs'),
        h('a', { class: 'button primary', href: createHref }, '+ Create a job'))),
    h('form', { class: 'filters', role: 'search', onsubmit: (e) => e.preventDefault() },
      h('div', { class: 'field' }, h('label', { for: search.id }, 'Search'), search),
      h('div', { class: 'field' }, h('label', { for: statusSelect.id }, 'Status'), statusSelect),
      h('div', { class: 'field' }, h('label', { for: labelInput.id }, 'Label'), labelInput)),
    announcer,
    results);
  focusHeading(main);

  let inFlight = null;
  signal.addEventListener('abort', () => inFlight?.abort(), { once: true });
  async function load({ quiet = false } = {}) {
    inFlight?.abort();
    const controller = new AbortController();
    inFlight = controller;
    if (!quiet) results.setAttribute('aria-busy', 'true');
    const query = {
      group: state.group || undefined,
      q: state.q || undefined,
      status: state.status || undefined,
      label: state.label || undefined,
      recursive: isFiltered(state) ? 'true' : undefined,
      offset: (state.page - 1) * state.size,
      limit: state.size,
    };
    try {
      const page = await api.listJobs(query, controller.signal);
      if (controller.signal.aborted) return;
      renderResults(results, page, state, go);
      if (!quiet) announcer.textContent = `${page.total.toLocaleString()} ${isFiltered(state) ? 'matching ' : ''}jobs`;
    } catch (error) {
      if (controller.signal.aborted) return;
      replace(results, errorPanel(error, () => load()));
    } finally {
      results.setAttribute('aria-busy', 'false');
    }
  }

  await load();
  // Keep statuses and times current while the page is open and visible.
  const timer = setInterval(() => { if (!document.hidden) load({ quiet: true }); }, REFRESH_MS);
  signal.addEventListener('abort', () => clearInterval(timer), { once: true });
}

function renderResults(container, page, state, go) {
  const filtered = isFiltered(state);
  const folders = page.groups.length
    ? h('ul', { class: 'folders', 'aria-label': 'Groups' },
      page.groups.map((group) => h('li', null,
        h('a', { href: groupHref(group.id), class: 'folder' },
          folderIcon(),
          h('span', { class: 'folder-name' }, group.name),
          h('span', { class: 'count', 'aria-label': `${group.count} ${filtered ? 'matching ' : ''}jobs` }, String(group.count))))))
    : null;

  let table;
  if (page.items.length === 0) {
    if (page.total > 0) {
      // Past the last page (jobs were deleted meanwhile, or an old link).
      table = h('p', { class: 'empty' }, 'No jobs on this page. ',
        h('button', { type: 'button', class: 'link-button', onclick: () => go({ page: 1 }) }, 'Go to the first page'));
    } else {
      const empty = filtered ? 'No jobs match these filters.' : page.groups.length ? null : 'No jobs here yet.';
      table = empty ? h('p', { class: 'empty' }, empty, ' ', filtered ? null : h('a', { href: '#/jobs/new' }, 'Create a job')) : null;
    }
  } else {
    table = h('table', { class: 'jobs-table responsive' },
      h('caption', { class: 'visually-hidden' }, 'Jobs'),
      h('thead', null, h('tr', null,
        h('th', { scope: 'col' }, 'Job'),
        h('th', { scope: 'col' }, 'Status'),
        h('th', { scope: 'col' }, 'Last run'),
        h('th', { scope: 'col' }, 'Next run'))),
      h('tbody', null, page.items.map((job) => jobRow(job, state))));
  }

  const first = page.total === 0 ? 0 : page.offset + 1;
  const last = Math.min(page.offset + page.items.length, page.total);
  const pages = Math.max(1, Math.ceil(page.total / page.limit));
  const sizeSelect = h('select', { id: uniqueId('size'), 'aria-label': 'Jobs per page' },
    PAGE_SIZES.map((size) => h('option', { value: String(size), selected: size === state.size }, `${size} per page`)));
  sizeSelect.addEventListener('change', () => go({ size: Number(sizeSelect.value) }));
  const pager = page.total > 0
    ? h('nav', { class: 'pager', 'aria-label': 'Pages' },
      h('span', { class: 'pager-range' }, `${first.toLocaleString()}–${last.toLocaleString()} of ${page.total.toLocaleString()} ${filtered ? 'matching ' : ''}jobs`),
      h('button', { type: 'button', disabled: state.page <= 1, onclick: () => go({ page: state.page - 1 }, { push: true }) }, '← Previous'),
      h('span', { class: 'pager-page' }, `Page ${state.page} of ${pages}`),
      h('button', { type: 'button', disabled: state.page >= pages, onclick: () => go({ page: state.page + 1 }, { push: true }) }, 'Next →'),
      sizeSelect)
    : null;

  keepingFocus(container, () => replace(container, folders, table, pager));
}

function jobRow(job, state) {
  const shownId = state.group && job.id.startsWith(`${state.group}.`) ? job.id.slice(state.group.length + 1) : job.id;
  const labels = Object.entries(job.labels ?? {});
  const lastRun = job.lastRun
    ? h('span', { class: 'stack' }, statusBadge(job.lastRun.status), timeAgo(parseInstant(job.lastRun.finishedAt)))
    : h('span', { class: 'muted' }, 'Never');
  let next;
  if (job.nextRunAt) next = timeAgo(parseInstant(job.nextRunAt));
  else if (job.schedule && !job.schedule.enabled) next = h('span', { class: 'muted' }, 'Schedule disabled');
  else next = h('span', { class: 'muted' }, '—');
  return h('tr', { dataset: { jobId: job.id } },
    h('td', { 'data-label': 'Job' },
      h('a', { href: jobHref(job.id), class: 'job-link' }, shownId),
      job.description ? h('div', { class: 'muted small' }, job.description) : null,
      labels.length ? h('ul', { class: 'labels', 'aria-label': 'Labels' }, labels.map(([key, value]) => h('li', null, `${key}=${value}`))) : null),
    h('td', { 'data-label': 'Status' }, statusBadge(job.status),
      job.activeRuns > 1 ? h('span', { class: 'muted small' }, ` ×${job.activeRuns}`) : null),
    h('td', { 'data-label': 'Last run' }, lastRun),
    h('td', { 'data-label': 'Next run' }, next, job.schedule ? h('div', { class: 'muted small mono' }, job.schedule.cron) : null));
}

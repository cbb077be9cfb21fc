// Entry point: a hash router that gives each view the main element and an AbortSignal
// that fires when the user navigates away (stopping polls and log streams).
import { h, replace } from './lib/dom.js';
import { errorPanel } from './components/bits.js';
import { renderJobList } from './views/job-list.js';
import { renderJobForm } from './views/job-form.js';
import { renderJobDetail } from './views/job-detail.js';
import { renderRunDetail } from './views/run-detail.js';

const routes = [
  { pattern: /^\/?$/, view: () => { location.replace('#/jobs'); return null; } },
  { pattern: /^\/jobs$/, view: (main, match, params, signal) => renderJobList(main, params, signal), title: 'Jobs' },
  { pattern: /^\/jobs\/new$/, view: (main, match, params, signal) => renderJobForm(main, { params, signal }), title: 'Create a job' },
  { pattern: /^\/jobs\/([^/]+)\/edit$/, view: (main, [, id], params, signal) => renderJobForm(main, { id, params, signal }), title: 'Edit job' },
  { pattern: /^\/jobs\/([^/]+)\/runs\/([^/]+)$/, view: (main, [, id, runId], params, signal) => renderRunDetail(main, id, runId, signal), title: 'Run' },
  { pattern: /^\/jobs\/([^/]+)$/, view: (main, [, id], params, signal) => renderJobDetail(main, id, signal), title: 'Job' },
];

let current = null;

function parseHash() {
  const hash = location.hash.replace(/^#/, '') || '/jobs';
  const [path, search = ''] = hash.split('?');
  return { path, params: new URLSearchParams(search) };
}

async function navigate() {
  current?.abort();
  const controller = new AbortController();
  current = controller;
  const { path, params } = parseHash();
  const main = document.getElementById('main');
  const route = routes.find((r) => r.pattern.test(path));
  if (!route) {
    replace(main, h('h1', null, 'Not found'), h('p', null, h('a', { href: '#/jobs' }, 'Back to the jobs')));
    return;
  }
  const match = path.match(route.pattern).map((part, i) => (i === 0 ? part : decodeURIComponent(part ?? '')));
  document.title = route.title ? `${route.title} · Sundial` : 'Sundial';
  for (const link of document.querySelectorAll('[data-nav]')) {
    link.toggleAttribute('aria-current', path.startsWith(`/${link.dataset.nav}`));
  }
  try {
    await route.view(main, match, params, controller.signal);
  } catch (error) {
    if (controller.signal.aborted) return;
    console.error(error);
    replace(main, errorPanel(error, navigate));
  }
}

window.addEventListener('hashchange', () => { navigate(); });
navigate();

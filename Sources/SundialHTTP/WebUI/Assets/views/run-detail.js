// One run: its state, its tasks (one per attempt) and their output, live while it runs.
import { api } from '../lib/api.js';
import { focusHeading, h, keepingFocus, notify, replace } from '../lib/dom.js';
import { duration, parseInstant } from '../lib/format.js';
import { breadcrumbs, statusBadge, timeAgo } from '../components/bits.js';
import { logViewer } from '../components/log-viewer.js';

const POLL_MS = 2000;
const isTerminal = (status) => status === 'SUCCESS' || status === 'FAILED';

export async function renderRunDetail(main, jobId, runId, signal) {
  let run = await api.run(jobId, runId, signal);
  const summary = h('div');
  const tasks = h('div');
  const actions = h('div', { class: 'actions' });
  const logs = logViewer({ jobId, runId, getRun: () => run, signal });

  replace(main,
    h('div', { class: 'page-head' },
      breadcrumbs(jobId, { last: 'link' }),
      h('div', { class: 'title-row' }, h('h1', null, 'Run ', h('span', { class: 'mono' }, runId)), actions)),
    h('div', { class: 'run-detail' },
      h('section', { class: 'card', 'aria-labelledby': 'run-summary-title' }, h('h2', { id: 'run-summary-title', class: 'visually-hidden' }, 'Summary'), summary),
      h('section', { class: 'card', 'aria-labelledby': 'tasks-title' }, h('h2', { id: 'tasks-title' }, 'Tasks'), tasks),
      logs.element));

  async function stop() {
    try {
      run = await api.stopRun(jobId, runId);
      notify(`Stopped run ${runId}.`, 'success');
      draw();
    } catch (error) {
      notify(error.message, 'error');
    }
  }

  function draw() {
    const created = parseInstant(run.createdAt);
    const completed = parseInstant(run.completedAt);
    keepingFocus(actions, () => replace(actions, isTerminal(run.status) ? null : h('button', { type: 'button', class: 'danger', onclick: stop }, 'Stop run')));
    replace(summary, h('dl', { class: 'facts facts-inline' },
      h('dt', null, 'Status'), h('dd', { class: 'run-status' }, statusBadge(run.status)),
      h('dt', null, 'Started'), h('dd', null, timeAgo(created)),
      h('dt', null, 'Finished'), h('dd', null, completed ? timeAgo(completed) : h('span', { class: 'muted' }, 'still running')),
      h('dt', null, 'Duration'), h('dd', null, duration((completed ?? new Date()) - created))));
    replace(tasks, run.tasks.length === 0
      ? h('p', { class: 'muted' }, 'No task has started yet.')
      : h('table', { class: 'responsive' },
        h('thead', null, h('tr', null, ['Task', 'State', 'Started', 'Finished', 'Duration'].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', null, run.tasks.map((task) => {
          const started = parseInstant(task.startedAt);
          const finished = parseInstant(task.completedAt);
          return h('tr', { dataset: { taskId: task.id } },
            h('td', { 'data-label': 'Task' }, h('span', { class: 'mono small' }, task.id)),
            h('td', { 'data-label': 'State' }, statusBadge(task.status)),
            h('td', { 'data-label': 'Started' }, timeAgo(started)),
            h('td', { 'data-label': 'Finished' }, finished ? timeAgo(finished) : '—'),
            h('td', { 'data-label': 'Duration' }, started ? duration((finished ?? new Date()) - started) : '—'));
        }))));
  }

  draw();
  focusHeading(main);

  // Poll until the run ends; the log viewer streams on its own.
  while (!signal.aborted && !isTerminal(run.status)) {
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    if (signal.aborted || document.hidden) continue;
    try {
      run = await api.run(jobId, runId, signal);
      draw();
      logs.runChanged();
    } catch (error) {
      if (signal.aborted) return;
      if (error.status === 404) {
        replace(summary, h('p', null, 'This run no longer exists.'));
        return;
      }
    }
  }
}

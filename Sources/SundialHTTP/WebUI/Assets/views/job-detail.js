// One job: what it runs, when, its active runs and history, its dependencies; Run now,
// Edit, enable/disable the schedule and Delete. Refreshes itself while open.
import { api } from '../lib/api.js';
import { focusHeading, h, keepingFocus, notify, replace } from '../lib/dom.js';
import { duration, parseInstant } from '../lib/format.js';
import { breadcrumbs, groupHref, jobHref, statusBadge, timeAgo } from '../components/bits.js';
import { confirmDelete } from '../components/confirm-delete.js';
import { dependencyGraph } from '../components/dependency-graph.js';
import { editableDocument } from '../model/job-document.js';

const REFRESH_MS = 3000;
const HISTORY_PAGE = 20;

export function runHref(jobId, runId) {
  return `${jobHref(jobId)}/runs/${encodeURIComponent(runId)}`;
}

export async function renderJobDetail(main, id, signal) {
  let job = await api.job(id, signal);
  let historyShown = HISTORY_PAGE;
  const body = h('div', { class: 'job-detail' });
  const actions = h('div', { class: 'actions' });
  const heading = h('h1', null, id.split('.').pop());
  replace(main,
    h('div', { class: 'page-head' },
      breadcrumbs(id),
      h('div', { class: 'title-row' }, heading, actions)),
    body);

  const graphBox = h('div', { class: 'graph-box' });
  let graphLoaded = false;

  let jsonOpen = false;
  const draw = () => {
    drawActions();
    keepingFocus(body, () => replace(body,
      job.description ? h('p', { class: 'lead' }, job.description) : null,
      h('div', { class: 'detail-grid' },
        activeRunsSection(),
        historySection(),
        configurationSection(),
        dependenciesSection())));
  };

  function drawActions() {
    const schedule = job.schedules?.[0];
    const runNow = h('button', { type: 'button', class: 'primary', onclick: startRun }, '▶ Run now');
    const toggle = schedule
      ? h('button', { type: 'button', onclick: () => toggleSchedule(schedule), 'aria-pressed': String(schedule.enabled) },
        schedule.enabled ? 'Disable schedule' : 'Enable schedule')
      : null;
    if (toggle) toggle.dataset.focusKey = 'schedule-toggle';
    keepingFocus(actions, () => replace(actions, runNow,
      h('a', { class: 'button', href: `${jobHref(id)}/edit` }, 'Edit'),
      toggle,
      h('button', { type: 'button', class: 'danger', onclick: remove }, 'Delete')));
  }

  /** Fetches the job again; redraws when something changed or a run's clock is ticking. */
  async function reload() {
    const fresh = await api.job(id, signal);
    const changed = JSON.stringify(fresh) !== JSON.stringify(job);
    job = fresh;
    if (changed || job.activeRuns?.length) draw();
  }

  async function startRun() {
    try {
      const run = await api.startRun(id);
      notify(`Started run ${run.id}.`, 'success');
      location.hash = runHref(id, run.id);
    } catch (error) {
      notify(error.message, 'error');
    }
  }

  async function toggleSchedule(schedule) {
    const { nextRunAt, ...spec } = schedule;
    try {
      await api.updateSchedule(id, schedule.id, { ...spec, enabled: !schedule.enabled });
      notify(`Schedule ${schedule.enabled ? 'disabled' : 'enabled'}.`, 'success');
      await reload();
    } catch (error) {
      notify(error.message, 'error');
    }
  }

  async function remove() {
    // Back to the folder the job was in, where its siblings are.
    if (await confirmDelete(id, job.activeRuns?.length ?? 0)) location.hash = groupHref(id.includes('.') ? id.slice(0, id.lastIndexOf('.')) : '');
  }

  async function stopRun(runId) {
    try {
      await api.stopRun(id, runId);
      notify(`Stopped run ${runId}.`, 'success');
      await reload();
    } catch (error) {
      notify(error.message, 'error');
    }
  }

  function activeRunsSection() {
    const runs = job.activeRuns ?? [];
    return h('section', { class: 'card', 'aria-labelledby': 'active-title' },
      h('h2', { id: 'active-title' }, 'Active runs'),
      runs.length === 0
        ? h('p', { class: 'muted' }, 'Nothing is running.')
        : h('table', { class: 'responsive' },
          h('thead', null, h('tr', null, ['Run', 'Status', 'Started', 'Running for', ''].map((t) => h('th', { scope: 'col' }, t)))),
          h('tbody', null, runs.map((run) => {
            const started = parseInstant(run.createdAt);
            return h('tr', { dataset: { runId: run.id } },
              h('td', { 'data-label': 'Run' }, h('a', { href: runHref(id, run.id), class: 'mono' }, run.id)),
              h('td', { 'data-label': 'Status' }, statusBadge(run.status)),
              h('td', { 'data-label': 'Started' }, timeAgo(started)),
              h('td', { 'data-label': 'Running for' }, duration(Date.now() - started)),
              h('td', null, h('button', { type: 'button', onclick: () => stopRun(run.id), 'aria-label': `Stop run ${run.id}` }, 'Stop')));
          }))));
  }

  function historySection() {
    const history = job.history ?? { successCount: 0, failureCount: 0, successfulFinishedRuns: [], failedFinishedRuns: [] };
    const finished = [
      ...history.successfulFinishedRuns.map((run) => ({ ...run, status: 'SUCCESS' })),
      ...history.failedFinishedRuns.map((run) => ({ ...run, status: 'FAILED' })),
    ].sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1));
    const shown = finished.slice(0, historyShown);
    return h('section', { class: 'card', 'aria-labelledby': 'history-title' },
      h('h2', { id: 'history-title' }, 'Run history'),
      h('p', { class: 'muted' }, `${history.successCount} succeeded, ${history.failureCount} failed.`),
      finished.length === 0 ? null : h('table', { class: 'responsive history-table' },
        h('thead', null, h('tr', null, ['Run', 'Status', 'Started', 'Duration'].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', null, shown.map((run) => {
          const started = parseInstant(run.createdAt);
          const finishedAt = parseInstant(run.finishedAt);
          return h('tr', { dataset: { runId: run.id } },
            h('td', { 'data-label': 'Run' }, h('a', { href: runHref(id, run.id), class: 'mono' }, run.id)),
            h('td', { 'data-label': 'Status' }, statusBadge(run.status)),
            h('td', { 'data-label': 'Started' }, timeAgo(started)),
            h('td', { 'data-label': 'Duration' }, duration(finishedAt - started)));
        }))),
      finished.length > shown.length
        ? h('button', { type: 'button', class: 'link-button', onclick: () => { historyShown += HISTORY_PAGE * 5; draw(); } },
          `Show more (${finished.length - shown.length} older)`)
        : null);
  }

  function configurationSection() {
    const run = job.run ?? {};
    const schedule = job.schedules?.[0];
    const what = run.docker ? `Docker image ${run.docker.image}` : run.ucr ? `Container image ${run.ucr.image?.id}` : 'Command';
    const rows = [
      ['Runs', what],
      ['Command', run.cmd ? h('code', { class: 'command' }, run.cmd) : h('span', { class: 'muted' }, '—')],
      run.args?.length ? ['Arguments', h('code', null, run.args.join(' '))] : null,
      ['Resources', `${run.cpus} CPUs · ${run.mem} MiB memory · ${run.disk} MiB disk${run.gpus ? ` · ${run.gpus} GPUs` : ''}`],
      ['Schedule', schedule
        ? h('span', null, h('code', null, schedule.cron), ` in ${schedule.timezone}, `,
          schedule.enabled ? h('span', null, 'next ', timeAgo(parseInstant(schedule.nextRunAt))) : h('strong', null, 'disabled'),
          `, ${schedule.concurrencyPolicy === 'FORBID' ? 'one run at a time' : 'runs may overlap'}`)
        : h('span', { class: 'muted' }, 'None — runs only when started by hand or by a parent job')],
      ['Restart', run.restart?.policy === 'ON_FAILURE'
        ? `On failure${run.restart.activeDeadlineSeconds != null ? `, for up to ${run.restart.activeDeadlineSeconds}s` : ', until it succeeds'}`
        : 'Never'],
      run.user ? ['User', run.user] : null,
      run.taskKillGracePeriodSeconds != null ? ['Kill grace period', `${run.taskKillGracePeriodSeconds}s`] : null,
      run.artifacts?.length ? ['Artifacts', h('ul', { class: 'plain' }, run.artifacts.map((a) => h('li', null, h('code', null, a.uri),
        ' ', [a.extract && 'extract', a.executable && 'executable', a.cache && 'cache'].filter(Boolean).join(', '))))] : null,
      Object.keys(job.labels ?? {}).length ? ['Labels', h('ul', { class: 'labels' }, Object.entries(job.labels).map(([k, v]) => h('li', null, `${k}=${v}`)))] : null,
    ].filter(Boolean);
    return h('section', { class: 'card', 'aria-labelledby': 'config-title' },
      h('h2', { id: 'config-title' }, 'Configuration'),
      h('dl', { class: 'facts' }, rows.map(([term, value]) => [h('dt', null, term), h('dd', null, value)])),
      h('details', { open: jsonOpen, ontoggle: (event) => { jsonOpen = event.target.open; } }, h('summary', null, 'JSON'), h('pre', { class: 'json' }, JSON.stringify(editableDocument({ ...job, activeRuns: undefined, history: undefined }), null, 2))));
  }

  function dependenciesSection() {
    return h('section', { class: 'card', 'aria-labelledby': 'deps-title' },
      h('h2', { id: 'deps-title' }, 'Dependencies'), graphBox);
  }

  async function loadGraph() {
    try {
      const graph = await api.dependencies(id, signal);
      const parents = graph.edges.filter((e) => e.child === id).map((e) => e.parent);
      const children = graph.edges.filter((e) => e.parent === id).map((e) => e.child);
      const links = (ids) => ids.map((jobId, i) => [i ? ', ' : '', h('a', { href: jobHref(jobId) }, jobId)]);
      replace(graphBox,
        graph.nodes.length <= 1
          ? h('p', { class: 'muted' }, 'This job does not depend on other jobs, and none depend on it.')
          : [
            h('div', { class: 'graph-scroll' }, dependencyGraph(graph)),
            parents.length ? h('p', null, 'Runs after ', links(parents), ' succeed.') : null,
            children.length ? h('p', null, 'When it succeeds, it starts ', links(children), '.') : null,
            graph.truncated ? h('p', { class: 'muted' }, 'Only the nearest 200 jobs are shown.') : null,
          ]);
      graphLoaded = true;
    } catch (error) {
      if (!signal.aborted) replace(graphBox, h('p', { class: 'muted' }, `Could not load dependencies: ${error.message}`));
    }
  }

  draw();
  focusHeading(main);
  loadGraph();

  const timer = setInterval(async () => {
    if (document.hidden || document.querySelector('dialog[open]')) return;
    try {
      await reload();
      if (!graphLoaded) loadGraph();
    } catch (error) {
      if (error.status === 404) {
        clearInterval(timer);
        replace(body, h('p', { class: 'panel' }, 'This job no longer exists. ', h('a', { href: '#/jobs' }, 'Back to the jobs')));
      }
    }
  }, REFRESH_MS);
  signal.addEventListener('abort', () => clearInterval(timer), { once: true });
}

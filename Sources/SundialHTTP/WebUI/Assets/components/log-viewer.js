// A task's stdout or stderr, following live while the task runs. It reads
// GET …/runs/{runId}/logs/{stream}?follow=true — a chunked text stream of the last lines,
// then new bytes until the task ends — with fetch and a ReadableStream reader.
import { api } from '../lib/api.js';
import { h, replace, uniqueId } from '../lib/dom.js';

const TAIL_LINES = 1000;
/** Past this many characters the oldest output is dropped, so a chatty task cannot hang the tab. */
const MAX_CHARS = 2_000_000;
const RETRY_MS = 1000;

const isTerminal = (status) => status === 'SUCCESS' || status === 'FAILED';

/**
 * `getRun()` returns the latest known run (the view polls it); call `runChanged()` after
 * each poll so a restarted task's log is picked up.
 */
export function logViewer({ jobId, runId, getRun, signal }) {
  let streamName = 'stdout';
  let chosenTask = ''; // '' follows the latest task
  let session = null;

  const pre = h('pre', { class: 'log-output', tabindex: '0', 'aria-label': 'Log output' });
  const text = document.createTextNode('');
  pre.append(text);
  const status = h('p', { class: 'log-status muted', 'aria-live': 'polite' });
  const notice = h('p', { class: 'log-notice muted', hidden: true });
  const follow = h('input', { type: 'checkbox', id: uniqueId('follow'), checked: true });
  const taskSelect = h('select', { id: uniqueId('task'), 'aria-label': 'Task' });
  const rawLink = h('a', { target: '_blank', rel: 'noopener' }, 'Open raw');
  const tabs = ['stdout', 'stderr'].map((name) => h('button', {
    type: 'button', role: 'tab', 'aria-selected': String(name === streamName), dataset: { stream: name }, tabindex: name === streamName ? '0' : '-1',
  }, name));
  tabs.forEach((tab, index) => {
    tab.addEventListener('click', () => switchStream(tab.dataset.stream));
    tab.addEventListener('keydown', (event) => {
      if (event.key === 'ArrowRight' || event.key === 'ArrowLeft') {
        event.preventDefault();
        const other = tabs[(index + 1) % tabs.length];
        other.focus();
        switchStream(other.dataset.stream);
      }
    });
  });
  taskSelect.addEventListener('change', () => {
    chosenTask = taskSelect.value;
    start();
  });
  follow.addEventListener('change', () => { if (follow.checked) pre.scrollTop = pre.scrollHeight; });

  function switchStream(name) {
    if (name === streamName) return;
    streamName = name;
    tabs.forEach((tab) => {
      const selected = tab.dataset.stream === name;
      tab.setAttribute('aria-selected', String(selected));
      tab.tabIndex = selected ? 0 : -1;
    });
    start();
  }

  const tasks = () => getRun()?.tasks ?? [];
  const latestTask = () => tasks().at(-1)?.id ?? null;
  const taskId = () => chosenTask || latestTask();

  function drawTaskSelect() {
    const list = tasks();
    taskSelect.hidden = list.length < 2;
    replace(taskSelect,
      h('option', { value: '', selected: chosenTask === '' }, 'Latest task'),
      list.map((task, i) => h('option', { value: task.id, selected: chosenTask === task.id }, `Attempt ${i + 1}: ${task.id}`)));
  }

  function appendText(chunk) {
    const nearBottom = pre.scrollHeight - pre.scrollTop - pre.clientHeight < 40;
    text.appendData(chunk);
    if (text.length > MAX_CHARS) {
      text.deleteData(0, text.length - MAX_CHARS * 0.75);
      notice.textContent = 'Earlier output was dropped to keep the page responsive; open the raw log for all of it.';
      notice.hidden = false;
    }
    if (follow.checked && nearBottom) pre.scrollTop = pre.scrollHeight;
  }

  const sleep = (ms, abort) => new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    abort.addEventListener('abort', () => { clearTimeout(timer); resolve(); }, { once: true });
  });

  /**
   * Streams one task's log until the task ends. `cursor` remembers the byte offset and the
   * decoder's state, so a dropped or paused connection resumes exactly where it stopped.
   */
  async function streamLog(abort, cursor) {
    while (!abort.aborted) {
      const params = cursor.offset == null
        ? { task: cursor.task, tail: TAIL_LINES, follow: 'true' }
        : { task: cursor.task, offset: cursor.offset, follow: 'true' };
      let response;
      try {
        response = await fetch(api.logURL(jobId, runId, streamName, params), { signal: abort });
      } catch (error) {
        if (abort.aborted) return;
        status.textContent = `Connection lost (${error.message}); retrying…`;
        await sleep(RETRY_MS, abort);
        continue;
      }
      if (response.status === 404 && (await response.clone().json().catch(() => ({}))).message === 'Unknown route.') {
        status.textContent = 'This server does not serve task logs.';
        return;
      }
      if (response.status === 404) {
        const finished = isTerminal(getRun()?.status);
        status.textContent = finished ? `No ${streamName} was recorded for this task.` : 'Waiting for output…';
        if (finished) return;
        await sleep(RETRY_MS, abort);
        continue;
      }
      if (!response.ok) {
        status.textContent = `Could not read the log: HTTP ${response.status}`;
        return;
      }
      const start = Number(response.headers.get('X-Sundial-Log-Offset') ?? 0);
      if (cursor.offset == null && start > 0) {
        notice.textContent = `Showing the last ${TAIL_LINES} lines; open the raw log for the beginning.`;
        notice.hidden = false;
      }
      cursor.offset = start;
      status.textContent = isTerminal(getRun()?.status) ? '' : 'Following…';
      const reader = response.body.getReader();
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          cursor.offset += value.byteLength;
          appendText(cursor.decoder.decode(value, { stream: true }));
        }
      } catch (error) {
        if (abort.aborted) return;
        status.textContent = 'Connection lost; reconnecting…';
        await sleep(RETRY_MS, abort);
        continue;
      }
      // The server ends the stream when the task has ended and everything was sent.
      appendText(cursor.decoder.decode());
      cursor.finished = true;
      status.textContent = 'End of log.';
      return;
    }
  }

  /** (Re)connects the current session's stream. */
  function connect() {
    const controller = new AbortController();
    session.controller = controller;
    signal.addEventListener('abort', () => controller.abort(), { once: true });
    streamLog(controller.signal, session.cursor);
  }

  function start() {
    session?.controller?.abort();
    text.deleteData(0, text.length);
    notice.hidden = true;
    status.textContent = '';
    drawTaskSelect();
    const task = taskId();
    rawLink.href = task ? api.logURL(jobId, runId, streamName, { task }) : '#';
    rawLink.hidden = !task;
    session = { task, cursor: { task, offset: null, decoder: new TextDecoder(), finished: false } };
    if (!task) {
      status.textContent = 'Waiting for the task to start…';
      return;
    }
    connect();
  }

  // A browser allows about six connections per server; a hidden tab gives its stream back
  // and picks up from the same byte when shown again.
  const onVisibility = () => {
    if (!session?.task || session.cursor.finished) return;
    if (document.hidden) {
      session.controller?.abort();
      session.paused = true;
      status.textContent = 'Paused while this tab is hidden.';
    } else if (session.paused) {
      session.paused = false;
      connect();
    }
  };
  document.addEventListener('visibilitychange', onVisibility);
  signal.addEventListener('abort', () => document.removeEventListener('visibilitychange', onVisibility), { once: true });

  /** Called after each poll of the run: follow a new attempt, or start once a task exists. */
  function runChanged() {
    drawTaskSelect();
    if (!chosenTask && latestTask() && session?.task !== latestTask()) start();
  }

  const element = h('section', { class: 'card log-viewer', 'aria-labelledby': 'logs-title' },
    h('div', { class: 'log-head' },
      h('h2', { id: 'logs-title' }, 'Logs'),
      h('div', { class: 'tabs', role: 'tablist', 'aria-label': 'Output stream' }, tabs),
      taskSelect,
      h('div', { class: 'field field-inline' }, follow, h('label', { for: follow.id }, 'Follow')),
      rawLink),
    notice, pre, status);
  start();
  return { element, runChanged };
}

// The sections of the job form, as in the seed's New Job page: General, Job type,
// Container runtime, Schedule and Run configuration. Every control reads and writes the
// form state of model/job-document.js; sections that do not apply are hidden, not removed.
import { h } from '../lib/dom.js';
import {
  checkboxField, inputField, radioGroup, rowCheckbox, rowInput, rowList, selectField, textareaField,
} from './fields.js';
import { schedulePreview } from './schedule-preview.js';

function section(id, title, ...content) {
  return h('section', { class: 'form-section', id, 'aria-labelledby': `${id}-title` },
    h('h2', { id: `${id}-title` }, title), ...content);
}

export function buildForm(form, { editing }) {
  const sections = [];
  const nav = h('nav', { class: 'form-nav', 'aria-label': 'Sections' });

  // General
  sections.push(section('general', 'General',
    inputField({
      label: 'Job ID', paths: ['/id'], name: 'id', required: true, get: () => form.id, set: (v) => { form.id = v; },
      hint: editing ? 'The id cannot change.' : 'Lowercase letters, digits and dashes; dots put the job in groups, e.g. marketing.myjob.',
    }),
    textareaField({ label: 'Description', paths: ['/description'], name: 'description', rows: 2, get: () => form.description, set: (v) => { form.description = v; } }),
    h('div', { class: 'field-grid' },
      inputField({ label: 'CPUs', paths: ['/run/cpus'], name: 'cpus', type: 'number', step: 'any', min: '0.01', required: true, get: () => form.cpus, set: (v) => { form.cpus = v; } }),
      inputField({ label: 'Mem (MiB)', paths: ['/run/mem'], name: 'mem', type: 'number', step: 'any', min: '32', required: true, get: () => form.mem, set: (v) => { form.mem = v; } }),
      inputField({ label: 'Disk (MiB)', paths: ['/run/disk'], name: 'disk', type: 'number', step: 'any', min: '0', required: true, get: () => form.disk, set: (v) => { form.disk = v; } }),
      inputField({ label: 'GPUs', paths: ['/run/gpus'], name: 'gpus', type: 'number', step: '1', min: '0', get: () => form.gpus, set: (v) => { form.gpus = v; }, hint: 'Not with Docker.' }))));
  if (editing) sections[0].querySelector('input[name="id"]').readOnly = true;

  // Job type and Container runtime: the runtime section only applies to container images.
  const runtimeSection = section('runtime', 'Container runtime');
  const imageField = inputField({
    label: 'Image', paths: ['/run/docker/image', '/run/ucr/image/id', '/run/ucr/image', '/run/docker', '/run/ucr'],
    name: 'image', placeholder: 'ubuntu:24.04', get: () => form.image, set: (v) => { form.image = v; },
  });
  const showType = () => {
    imageField.hidden = form.jobType !== 'container';
    runtimeSection.hidden = form.jobType !== 'container';
    nav.querySelector('a[href="#runtime"]')?.parentElement.toggleAttribute('hidden', runtimeSection.hidden);
  };
  sections.push(section('type', 'Job type',
    radioGroup({
      legend: 'Run', name: 'jobType', get: () => form.jobType, paths: ['/'],
      set: (v) => { form.jobType = v; showType(); },
      options: [['command', 'Command only', 'runs with /bin/sh -c'], ['container', 'Container image']],
    }),
    imageField,
    textareaField({
      label: 'Command', paths: ['/run/cmd'], name: 'cmd', rows: 3, placeholder: 'echo hello', get: () => form.cmd, set: (v) => { form.cmd = v; },
    })));

  const privileged = checkboxField({ label: 'Grant runtime privileges', paths: ['/run/docker/privileged', '/run/ucr/privileged'], name: 'privileged', get: () => form.privileged, set: (v) => { form.privileged = v; } });
  const parameters = rowList({
    title: 'Parameters', addLabel: 'Add parameter', path: '/run/docker/parameters', items: form.parameters,
    makeItem: () => ({ key: '', value: '' }),
    renderRow: (item, i) => [
      rowInput({ label: `Parameter ${i + 1} name`, placeholder: 'name', paths: `/run/docker/parameters(${i})/key`, get: () => item.key, set: (v) => { item.key = v; } }),
      rowInput({ label: `Parameter ${i + 1} value`, placeholder: 'value', paths: `/run/docker/parameters(${i})/value`, get: () => item.value, set: (v) => { item.value = v; } }),
    ],
  });
  const showRuntime = () => {
    // Privileges and parameters are Docker engine settings.
    privileged.hidden = form.runtime !== 'docker';
    parameters.hidden = form.runtime !== 'docker';
  };
  runtimeSection.append(
    radioGroup({
      legend: 'Runtime', name: 'runtime', get: () => form.runtime, set: (v) => { form.runtime = v; showRuntime(); },
      options: [['ucr', 'Universal Container Runtime (UCR)'], ['docker', 'Docker Engine']],
    }),
    checkboxField({ label: 'Force pull image on launch', paths: ['/run/docker/forcePullImage', '/run/ucr/image/forcePull'], name: 'forcePull', get: () => form.forcePull, set: (v) => { form.forcePull = v; } }),
    privileged,
    parameters,
    rowList({
      title: 'Arguments', addLabel: 'Add arg', path: '/run/args', items: form.args, makeItem: () => '',
      renderRow: (item, i) => rowInput({ label: `Argument ${i + 1}`, paths: `/run/args(${i})`, get: () => form.args[i], set: (v) => { form.args[i] = v; } }),
    }));
  sections.push(runtimeSection);

  // Schedule
  const preview = schedulePreview(() => form.schedule.cron, () => form.schedule.timezone);
  const scheduleFields = h('div', { class: 'schedule-fields', dataset: { paths: '/schedules(0) /schedules' } },
    h('div', { class: 'field-grid' },
      inputField({ label: 'Schedule ID', paths: ['/schedules(0)/id'], name: 'scheduleId', get: () => form.schedule.id, set: (v) => { form.schedule.id = v; }, hint: 'At least 2 characters: a-z, 0-9 and dashes.' }),
      inputField({
        label: 'Time zone', paths: ['/schedules(0)/timezone'], name: 'timezone', list: 'timezones', placeholder: 'UTC',
        get: () => form.schedule.timezone, set: (v) => { form.schedule.timezone = v; preview.refresh(); },
      })),
    inputField({
      label: 'CRON schedule', paths: ['/schedules(0)/cron'], name: 'cron', placeholder: '0 * * * *',
      hint: 'minute hour day-of-month month day-of-week, e.g. 30 2 * * 1-5',
      get: () => form.schedule.cron, set: (v) => { form.schedule.cron = v; preview.refresh(); },
    }),
    preview.element,
    h('div', { class: 'field-grid' },
      inputField({ label: 'Starting deadline (s)', paths: ['/schedules(0)/startingDeadlineSeconds', '/schedules(0)/startingDeadline'], name: 'startingDeadlineSeconds', type: 'number', min: '60', get: () => form.schedule.startingDeadlineSeconds, set: (v) => { form.schedule.startingDeadlineSeconds = v; }, hint: 'A run that cannot start this long after its time is counted as missed.' }),
      selectField({
        label: 'Concurrency policy', paths: ['/schedules(0)/concurrencyPolicy'], name: 'concurrencyPolicy',
        get: () => form.schedule.concurrencyPolicy, set: (v) => { form.schedule.concurrencyPolicy = v; },
        options: [['ALLOW', 'Allow: start even if a run is active'], ['FORBID', 'Forbid: skip while a run is active']],
      })),
    checkboxField({ label: 'Enabled', paths: ['/schedules(0)/enabled'], name: 'scheduleEnabled', get: () => form.schedule.enabled, set: (v) => { form.schedule.enabled = v; }, hint: 'A disabled schedule is kept but never fires.' }),
    timezoneList());
  const showSchedule = () => {
    scheduleFields.hidden = !form.hasSchedule;
    if (form.hasSchedule) preview.refreshNow();
  };
  sections.push(section('schedule', 'Schedule',
    checkboxField({ label: 'Run on a schedule', paths: ['/schedules'], name: 'hasSchedule', get: () => form.hasSchedule, set: (v) => { form.hasSchedule = v; showSchedule(); } }),
    scheduleFields));

  // Run configuration
  const deadline = inputField({
    label: 'Keep trying time (s)', paths: ['/run/restart/activeDeadlineSeconds'], name: 'activeDeadlineSeconds', type: 'number', min: '0',
    get: () => form.activeDeadlineSeconds, set: (v) => { form.activeDeadlineSeconds = v; }, hint: 'Empty: keep restarting until it succeeds.',
  });
  const showRestart = () => { deadline.hidden = form.restartPolicy !== 'ON_FAILURE'; };
  sections.push(section('run-config', 'Run configuration',
    h('div', { class: 'field-grid' },
      inputField({ label: 'Kill grace period (s)', paths: ['/run/taskKillGracePeriodSeconds'], name: 'taskKillGracePeriodSeconds', type: 'number', min: '0', get: () => form.killGracePeriod, set: (v) => { form.killGracePeriod = v; }, hint: 'Between SIGTERM and SIGKILL when a run is stopped.' }),
      inputField({ label: 'User', paths: ['/run/user'], name: 'user', get: () => form.user, set: (v) => { form.user = v; }, hint: 'Runs as this user when the server runs as root.' }),
      inputField({ label: 'Max launch delay (s)', paths: ['/run/maxLaunchDelay'], name: 'maxLaunchDelay', type: 'number', min: '1', get: () => form.maxLaunchDelay, set: (v) => { form.maxLaunchDelay = v; }, hint: 'Deprecated in Metronome; kept for its clients.' })),
    rowList({
      title: 'Artifacts', addLabel: 'Add artifact', path: '/run/artifacts', items: form.artifacts,
      makeItem: () => ({ uri: '', extract: true, executable: false, cache: false }),
      emptyText: 'Files fetched into the sandbox before the command starts (http, https, file).',
      renderRow: (item, i) => [
        rowInput({ label: `Artifact ${i + 1} URI`, placeholder: 'https://example.com/tool.tar.gz', paths: `/run/artifacts(${i})/uri`, get: () => item.uri, set: (v) => { item.uri = v; } }),
        rowCheckbox({ label: 'Extract', get: () => item.extract, set: (v) => { item.extract = v; } }),
        rowCheckbox({ label: 'Execute', get: () => item.executable, set: (v) => { item.executable = v; } }),
        rowCheckbox({ label: 'Cache', get: () => item.cache, set: (v) => { item.cache = v; } }),
      ],
    }),
    h('div', { class: 'field-grid' },
      selectField({
        label: 'Restart policy', paths: ['/run/restart/policy', '/run/restart'], name: 'restartPolicy',
        get: () => form.restartPolicy, set: (v) => { form.restartPolicy = v; showRestart(); },
        options: [['NEVER', 'Never'], ['ON_FAILURE', 'On failure']],
      }),
      deadline),
    rowList({
      title: 'Labels', addLabel: 'Add label', path: '/labels', items: form.labels, makeItem: () => ({ key: '', value: '' }),
      renderRow: (item, i) => [
        rowInput({ label: `Label ${i + 1} key`, placeholder: 'key', paths: `/labels/${item.key}`, get: () => item.key, set: (v) => { item.key = v; } }),
        rowInput({ label: `Label ${i + 1} value`, placeholder: 'value', get: () => item.value, set: (v) => { item.value = v; } }),
      ],
    })));

  nav.append(h('ul', null, sections.map((sec) => h('li', null,
    h('a', { href: `#${sec.id}`, onclick: (e) => { e.preventDefault(); sec.scrollIntoView({ block: 'start' }); sec.querySelector('input, select, textarea')?.focus({ preventScroll: true }); } },
      sec.querySelector('h2').textContent)))));
  showType();
  showRuntime();
  showSchedule();
  showRestart();
  return h('div', { class: 'form-layout' }, nav, h('div', { class: 'form-sections' }, sections));
}

/** Suggestions for the time zone input: every IANA zone the browser knows. */
function timezoneList() {
  const zones = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : ['UTC'];
  return h('datalist', { id: 'timezones' }, ['UTC', ...zones.filter((z) => z !== 'UTC')].map((zone) => h('option', { value: zone })));
}

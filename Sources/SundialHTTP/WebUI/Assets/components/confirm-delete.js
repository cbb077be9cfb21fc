// The Delete dialog: asks whether to stop the job's current runs, since Metronome refuses
// to delete a job with active runs unless told to stop them (409 otherwise).
import { api } from '../lib/api.js';
import { h, notify } from '../lib/dom.js';

/** Opens the dialog; resolves true once the job is deleted, false when cancelled. */
export function confirmDelete(jobId, activeRuns) {
  return new Promise((resolve) => {
    const stop = h('input', { type: 'checkbox', id: 'stop-current-runs', name: 'stopCurrentJobRuns', checked: activeRuns > 0 });
    const message = h('p', { class: 'field-error', role: 'alert', hidden: true });
    const confirm = h('button', { type: 'submit', class: 'danger', value: 'delete' }, 'Delete job');
    const cancel = h('button', { type: 'button', value: 'cancel' }, 'Cancel');
    const dialog = h('dialog', { class: 'dialog', 'aria-labelledby': 'delete-title' },
      h('form', { method: 'dialog' },
        h('h2', { id: 'delete-title' }, `Delete ${jobId}?`),
        h('p', null, 'The job, its schedule and its run history are removed. This cannot be undone.'),
        h('div', { class: 'field field-inline' }, stop,
          h('label', { for: 'stop-current-runs' }, `Stop current runs${activeRuns ? ` (${activeRuns} active)` : ''}`)),
        h('p', { class: 'hint' }, 'Without this, a job that is running is not deleted.'),
        message,
        h('div', { class: 'form-actions' }, confirm, cancel)));
    let settled = false;
    const finish = (result) => {
      if (settled) return;
      settled = true;
      dialog.close();
      dialog.remove();
      resolve(result);
    };
    cancel.addEventListener('click', () => finish(false));
    dialog.addEventListener('cancel', () => finish(false));
    dialog.querySelector('form').addEventListener('submit', async (event) => {
      event.preventDefault();
      confirm.disabled = true;
      try {
        await api.deleteJob(jobId, stop.checked);
        notify(`Deleted ${jobId}.`, 'success');
        finish(true);
      } catch (error) {
        // Two conflicts answer 409: active runs (stopping them helps) and jobs depending
        // on this one (nothing here helps: they must drop the dependency first).
        const dependants = error.status === 409 && /dependency on/.test(error.message);
        if (dependants) {
          message.textContent = `${error.message} Remove ${jobId} from their dependencies first.`;
        } else if (error.status === 409 && !stop.checked) {
          message.textContent = `${error.message} Tick "Stop current runs" to delete it anyway.`;
        } else {
          message.textContent = error.message;
        }
        message.hidden = false;
        if (error.status === 409 && !dependants) stop.focus();
      } finally {
        confirm.disabled = false;
      }
    });
    document.body.append(dialog);
    dialog.showModal();
    cancel.focus();
  });
}

// Tiny DOM builders: the UI is plain DOM, no framework, no build step.

// Properties that must be set on the element, not as attributes, to take effect.
const PROPERTIES = new Set(['value', 'checked', 'selected', 'indeterminate']);

function apply(el, props) {
  for (const [key, value] of Object.entries(props ?? {})) {
    if (value == null || value === false) continue;
    if (key === 'class') el.setAttribute('class', value);
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2).toLowerCase(), value);
    else if (PROPERTIES.has(key)) el[key] = value;
    else el.setAttribute(key, value === true ? '' : String(value));
  }
}

/** Appends children, skipping null/false and flattening arrays; strings become text. */
export function append(el, ...children) {
  for (const child of children.flat(Infinity)) {
    if (child == null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/** h('button', {class: 'primary', onclick}, 'Run now') */
export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  apply(el, props);
  return append(el, ...children);
}

const SVG_NS = 'http://www.w3.org/2000/svg';

/** Like h() for SVG elements. */
export function s(tag, props, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  apply(el, props);
  return append(el, ...children);
}

export function clear(el) {
  while (el.firstChild) el.firstChild.remove();
  return el;
}

/** Replaces an element's children. */
export function replace(el, ...children) {
  clear(el);
  return append(el, ...children);
}

let uniqueCounter = 0;
/** An id for pairing labels, hints and errors with their inputs. */
export function uniqueId(prefix = 'f') {
  uniqueCounter += 1;
  return `${prefix}-${uniqueCounter}`;
}

/** Calls fn at most once per `ms` of quiet. */
export function debounce(fn, ms) {
  let timer;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}

/** Shows a short message in the live region (read out by screen readers). */
export function notify(message, kind = 'info') {
  const area = document.getElementById('notices');
  if (!area) return;
  const note = h('div', { class: `notice notice-${kind}` }, message);
  area.append(note);
  setTimeout(() => note.remove(), kind === 'error' ? 8000 : 4000);
}

/**
 * After a view replaced the page, moves keyboard focus to its heading, as a page load
 * would, unless the user is already typing somewhere in the view.
 */
export function focusHeading(main) {
  if (main.contains(document.activeElement) && document.activeElement !== main) return;
  const heading = main.querySelector('h1');
  if (!heading) return;
  heading.setAttribute('tabindex', '-1');
  heading.focus({ preventScroll: true });
}

/** What identifies a focusable element across a redraw: its focus key, link or text. */
function focusKey(el) {
  return el.dataset?.focusKey ?? el.getAttribute('href') ?? `${el.tagName}:${el.textContent}`;
}

/**
 * Runs `redraw` (which replaces elements inside `container`) and gives keyboard focus back
 * to the equivalent element afterwards, so periodic refreshes never steal a user's place.
 */
export function keepingFocus(container, redraw) {
  const active = document.activeElement;
  const key = active && active !== document.body && container.contains(active) ? focusKey(active) : null;
  redraw();
  if (key == null || container.contains(active)) return;
  const again = [...container.querySelectorAll('a, button, input, select, textarea, summary, [tabindex]')].find((el) => focusKey(el) === key);
  again?.focus({ preventScroll: true });
}

// Writes that skip themselves when nothing changes. The views re-bind every animation
// frame; setting an attribute or a text to the value it already has still costs the
// browser style and layout work, which at 60 frames per second with hundreds of
// elements is most of the frame.

export function setAttr(el: Element, name: string, value: string): void {
  if (el.getAttribute(name) !== value) el.setAttribute(name, value);
}

export function setText(el: Element, value: string): void {
  if (el.textContent !== value) el.textContent = value;
}

export function setClass(el: Element, value: string): void {
  if (el.getAttribute("class") !== value) el.setAttribute("class", value);
}

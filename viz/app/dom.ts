// Small DOM helpers: elements by id (failing loudly when the page lacks one) and file
// downloads.

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`the page has no #${id}`);
  return el as T;
}

export function download(filename: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement("a");
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  // The click has started the download; the URL can go once the browser has it.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Replace a select's options, keeping the chosen value when it is still offered. */
export function setOptions(select: HTMLSelectElement, options: ReadonlyArray<{ value: string; label: string }>): void {
  const key = options.map((o) => `${o.value}\u0000${o.label}`).join("\u0001");
  if (select.dataset.options === key) return;
  const chosen = select.value;
  select.replaceChildren(...options.map((o) => new Option(o.label, o.value)));
  select.dataset.options = key;
  if (options.some((o) => o.value === chosen)) select.value = chosen;
}

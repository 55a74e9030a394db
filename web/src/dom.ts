/**
 * An element with attributes (set as attributes, never parsed as HTML) and children (nodes or text).
 * The views built with it carry no Alpine directives: the component puts them on the page itself.
 */
export function element(
  tag: string,
  attributes: Record<string, string> = {},
  ...children: (Node | string)[]
): HTMLElement {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  node.append(...children);
  return node;
}

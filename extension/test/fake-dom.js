// A tiny stand-in for DOM nodes: just the fields extract-text.js reads.
export const text = (data) => ({ nodeType: 3, data });
export const h = (localName, attrs, ...children) => {
  const node = { nodeType: 1, localName, attrs: attrs ?? {}, childNodes: [] };
  for (const child of children) node.childNodes.push(typeof child === "string" ? text(child) : child);
  return node;
};
export const doc = (...children) => ({ nodeType: 9, childNodes: children });

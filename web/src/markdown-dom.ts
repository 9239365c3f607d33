import { h } from "./dom.ts";
import { isSafeHref, parseMarkdown, type Inline } from "./markdown.ts";

/** Description headings nest under the exercise's own heading, so they start at `baseLevel`. */
export function renderMarkdown(source: string, baseLevel = 4): DocumentFragment {
  const fragment = document.createDocumentFragment();
  for (const block of parseMarkdown(source)) {
    switch (block.kind) {
      case "heading": {
        const level = Math.min(6, baseLevel + block.level - 1);
        fragment.append(h(`h${level}` as "h4", {}, renderInline(block.content)));
        break;
      }
      case "paragraph":
        fragment.append(h("p", {}, renderInline(block.content)));
        break;
      case "code":
        fragment.append(h("pre", {}, h("code", {}, block.text)));
        break;
      case "list":
        fragment.append(h(block.ordered ? "ol" : "ul", {}, block.items.map((item) => h("li", {}, renderInline(item)))));
        break;
    }
  }
  return fragment;
}

function renderInline(content: readonly Inline[]): Node[] {
  return content.map((node): Node => {
    switch (node.kind) {
      case "text":
        return document.createTextNode(node.text);
      case "code":
        return h("code", {}, node.text);
      case "strong":
        return h("strong", {}, renderInline(node.children));
      case "em":
        return h("em", {}, renderInline(node.children));
      case "link":
        return isSafeHref(node.href)
          ? h("a", { href: node.href, rel: "noreferrer noopener", target: node.href.startsWith("https:") ? "_blank" : null }, renderInline(node.children))
          : h("span", {}, renderInline(node.children));
    }
  });
}

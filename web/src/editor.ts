import { javascript } from "@codemirror/lang-javascript";
import { setDiagnostics, type Diagnostic as LintDiagnostic } from "@codemirror/lint";
import { EditorSelection, Prec } from "@codemirror/state";
import { keymap } from "@codemirror/view";
import { basicSetup, EditorView } from "codemirror";
import type { Diagnostic } from "./schemas.ts";

export interface SolutionEditor {
  readonly view: EditorView;
  getSource(): string;
  setSource(source: string): void;
  /** 1-based line and column, as the grader's diagnostics give them. */
  goTo(line: number, column: number): void;
  showDiagnostics(diagnostics: readonly Diagnostic[]): void;
}

export function createSolutionEditor(options: {
  parent: HTMLElement;
  source: string;
  label: string;
  /** The page's CSP nonce: CodeMirror injects its styles as <style> elements that need it. */
  styleNonce?: string;
  onSubmit: () => void;
  onChange?: (source: string) => void;
}): SolutionEditor {
  const view = new EditorView({
    parent: options.parent,
    doc: options.source,
    extensions: [
      options.styleNonce ? EditorView.cspNonce.of(options.styleNonce) : [],
      basicSetup,
      javascript({ typescript: true }),
      EditorView.contentAttributes.of({ "aria-label": options.label }),
      // Tab stays a focus move (basicSetup has no indentWithTab), so keyboard users can leave the editor.
      Prec.highest(
        keymap.of([
          {
            key: "Mod-Enter",
            run: () => {
              options.onSubmit();
              return true;
            },
          },
        ]),
      ),
      EditorView.updateListener.of((update) => {
        if (update.docChanged) options.onChange?.(update.state.doc.toString());
      }),
    ],
  });

  return {
    view,
    getSource: () => view.state.doc.toString(),
    setSource(source) {
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: source } });
    },
    goTo(line, column) {
      const doc = view.state.doc;
      const lineInfo = doc.line(Math.min(Math.max(1, line), doc.lines));
      const pos = Math.min(lineInfo.from + Math.max(0, column - 1), lineInfo.to);
      view.dispatch({ selection: EditorSelection.cursor(pos), effects: EditorView.scrollIntoView(pos, { y: "center" }) });
      view.focus();
    },
    showDiagnostics(diagnostics) {
      const doc = view.state.doc;
      const marks: LintDiagnostic[] = diagnostics.map((d) => {
        const lineInfo = doc.line(Math.min(Math.max(1, d.line), doc.lines));
        const from = Math.min(lineInfo.from + Math.max(0, d.column - 1), lineInfo.to);
        return { from, to: Math.max(from, lineInfo.to), severity: d.severity, message: d.message };
      });
      view.dispatch(setDiagnostics(view.state, marks));
    },
  };
}

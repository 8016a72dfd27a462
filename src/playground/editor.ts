/**
 * The code editor: CodeMirror 6 with the YAML language, a lint gutter, problems underlined at their line and column
 * (message and code on hover), and a hover on table entries that lists the numbers each one matched.
 */
import { yaml } from '@codemirror/lang-yaml';
import { HighlightStyle, syntaxHighlighting } from '@codemirror/language';
import type { Diagnostic } from '@codemirror/lint';
import { lintGutter, setDiagnostics } from '@codemirror/lint';
import type { Text } from '@codemirror/state';
import { StateEffect, StateField } from '@codemirror/state';
import type { Tooltip } from '@codemirror/view';
import { EditorView, hoverTooltip, keymap, showTooltip } from '@codemirror/view';
import { tags } from '@lezer/highlight';
import { basicSetup } from 'codemirror';
import type { Problem } from '../browser.js';

/** Colours from the page's CSS variables, so one style serves the light and the dark theme. */
const highlight = HighlightStyle.define([
  { tag: [tags.propertyName, tags.definition(tags.propertyName)], color: 'var(--tok-key)' },
  { tag: [tags.string, tags.special(tags.string), tags.content], color: 'var(--tok-string)' },
  { tag: [tags.number, tags.bool, tags.null, tags.atom], color: 'var(--tok-atom)' },
  { tag: [tags.comment, tags.lineComment, tags.blockComment], color: 'var(--tok-comment)', fontStyle: 'italic' },
  { tag: [tags.keyword, tags.labelName, tags.typeName, tags.meta], color: 'var(--tok-keyword)' },
  { tag: [tags.punctuation, tags.separator, tags.squareBracket, tags.brace], color: 'var(--tok-punct)' },
]);

const theme = EditorView.theme({
  '&': { height: '100%', backgroundColor: 'var(--editor-bg)', color: 'var(--fg)' },
  '.cm-scroller': { fontFamily: 'var(--mono)', lineHeight: '1.45' },
  '.cm-content': { caretColor: 'var(--fg)' },
  '.cm-gutters': { backgroundColor: 'var(--gutter-bg)', color: 'var(--muted)', borderRight: '1px solid var(--border)' },
  '.cm-activeLine': { backgroundColor: 'var(--active-line)' },
  '.cm-activeLineGutter': { backgroundColor: 'var(--active-line)' },
  '&.cm-focused .cm-selectionBackground, .cm-selectionBackground, ::selection': { backgroundColor: 'var(--selection) !important' },
  '&.cm-focused': { outline: '2px solid var(--focus)' },
  '.cm-cursor': { borderLeftColor: 'var(--fg)' },
  '.cm-tooltip': { backgroundColor: 'var(--panel-bg)', color: 'var(--fg)', border: '1px solid var(--border)' },
  '.cm-diagnosticSource': { opacity: '1', fontFamily: 'var(--mono)', fontWeight: '600' },
  '.cm-entry-hover': { padding: '4px 8px', maxWidth: '36em', fontFamily: 'var(--sans)' },
  '.cm-panels': { backgroundColor: 'var(--panel-bg)', color: 'var(--fg)' },
  // The search, replace and go-to-line panels' fields and buttons, and the problems panel's selected row: CodeMirror
  // styles them for a light editor (white fields, light gradients), where the dark theme's light text was unreadable.
  '.cm-textfield': { backgroundColor: 'var(--editor-bg)', color: 'var(--fg)', borderColor: 'var(--border)' },
  '.cm-button': { backgroundImage: 'none', backgroundColor: 'var(--bg)', color: 'var(--fg)', borderColor: 'var(--border)' },
  '.cm-button:active': { backgroundImage: 'none', backgroundColor: 'var(--active-line)' },
  '.cm-panel.cm-panel-lint ul [aria-selected]': { backgroundColor: 'var(--active-line)' },
  '.cm-foldPlaceholder': { backgroundColor: 'var(--gutter-bg)', color: 'var(--muted)', borderColor: 'var(--border)' },
});

/** Shows (a tooltip) or hides (null) the entry information asked for from the keyboard. */
const setEntryInfo = StateEffect.define<Tooltip | null>();

/**
 * The entry information of the cursor's line, asked for with Ctrl+K Ctrl+I (VS Code's "show hover"): what the mouse
 * hover shows, for people who do not use a mouse. Closed by Escape, by an edit or by moving the cursor.
 */
const entryInfo = StateField.define<Tooltip | null>({
  create: () => null,
  update(value, tr) {
    for (const e of tr.effects) if (e.is(setEntryInfo)) return e.value;
    return tr.docChanged || tr.selection !== undefined ? null : value;
  },
  provide: (field) => showTooltip.from(field),
});

/** What the editor asks of the page. */
export interface EditorHooks {
  /** Called after every change of the text. */
  readonly onChange: () => void;
  /** The hover text for a line (the entry there and the numbers it matched), or undefined for none. */
  readonly entryHover: (line: number) => HTMLElement | undefined;
  /** A file dropped on the editor. */
  readonly onDropFile: (file: File) => void;
  /** Ctrl/Cmd-S. */
  readonly onSave: () => void;
}

/**
 * Creates the editor.
 *
 * @param parent - the element to put it in
 * @param text - the first text
 * @param hooks - the page's callbacks
 * @returns the view
 */
export function createEditor(parent: HTMLElement, text: string, hooks: EditorHooks): EditorView {
  return new EditorView({
    parent,
    doc: text,
    extensions: [
      basicSetup,
      yaml(),
      syntaxHighlighting(highlight),
      lintGutter(),
      theme,
      EditorView.contentAttributes.of({ 'aria-label': 'Dial plan (YAML)' }),
      keymap.of([
        { key: 'Mod-s', preventDefault: true, run: () => (hooks.onSave(), true) },
        {
          key: 'Mod-k Mod-i',
          preventDefault: true,
          run: (view) => {
            const pos = view.state.selection.main.head;
            const dom = hooks.entryHover(view.state.doc.lineAt(pos).number);
            if (dom === undefined) return true;
            // Read out by screen readers as it appears.
            dom.setAttribute('role', 'status');
            view.dispatch({ effects: setEntryInfo.of({ pos, above: true, create: () => ({ dom }) }) });
            return true;
          },
        },
        {
          key: 'Escape',
          run: (view) => {
            if (view.state.field(entryInfo) === null) return false;
            view.dispatch({ effects: setEntryInfo.of(null) });
            return true;
          },
        },
      ]),
      entryInfo,
      EditorView.updateListener.of((u) => {
        if (u.docChanged) hooks.onChange();
      }),
      EditorView.domEventHandlers({
        drop(event) {
          const file = event.dataTransfer?.files[0];
          if (file === undefined) return false;
          event.preventDefault();
          hooks.onDropFile(file);
          return true;
        },
      }),
      hoverTooltip((view, pos) => {
        const line = view.state.doc.lineAt(pos).number;
        const dom = hooks.entryHover(line);
        return dom === undefined ? null : { pos, above: true, create: () => ({ dom }) };
      }),
    ],
  });
}

/**
 * A problem's place in the text: from its line and column to the end of the word there (the whole line when it has no
 * position; the first line when the plan has none at all).
 *
 * @param doc - the editor's text
 * @param p - the problem
 * @returns the range
 */
export function problemRange(doc: Text, p: Problem): { readonly from: number; readonly to: number } {
  const lineNo = Math.min(Math.max(p.line ?? 1, 1), doc.lines);
  const line = doc.line(lineNo);
  if (p.line === undefined) return { from: line.from, to: line.to };
  const from = line.from + Math.min(Math.max((p.column ?? 1) - 1, 0), line.length);
  let to = from;
  while (to < line.to && !/\s/.test(line.text[to - line.from] ?? ' ')) to++;
  if (to === from) to = Math.min(line.to, from + 1);
  return { from, to };
}

/**
 * Underlines the problems in the editor (the lint gutter marks their lines; hovering shows message and code).
 *
 * @param view - the editor
 * @param problems - load problems and lint findings
 */
export function showProblems(view: EditorView, problems: readonly Problem[]): void {
  const doc = view.state.doc;
  const diagnostics: Diagnostic[] = problems.map((p) => ({ ...problemRange(doc, p), severity: p.severity, message: p.message, source: p.code }));
  view.dispatch(setDiagnostics(view.state, diagnostics));
}

/**
 * Moves the cursor to the start of a line, scrolls it to the middle and focuses the editor.
 *
 * @param view - the editor
 * @param lineNo - 1-based; clamped to the text
 * @param column - 1-based column, default 1
 */
export function goToLine(view: EditorView, lineNo: number, column = 1): void {
  const doc = view.state.doc;
  const line = doc.line(Math.min(Math.max(lineNo, 1), doc.lines));
  const at = line.from + Math.min(Math.max(column - 1, 0), line.length);
  view.dispatch({ selection: { anchor: at }, effects: EditorView.scrollIntoView(at, { y: 'center' }) });
  view.focus();
}

/**
 * Replaces the whole text (a plan opened, started or shared).
 *
 * @param view - the editor
 * @param text - the new text
 */
export function replaceText(view: EditorView, text: string): void {
  view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text }, selection: { anchor: 0 }, scrollIntoView: true });
}

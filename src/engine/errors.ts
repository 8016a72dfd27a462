/**
 * One error class for the whole library. What went wrong is a stable `code` from {@link ErrorCode}; the `message` is for
 * people and may change wording between versions, so programs should branch on `code` only.
 */

/**
 * Every code a problem or error can carry. Documented one by one in `docs/errors.md`.
 */
export type ErrorCode =
  // Query-time failures (also returned as values by `query`).
  | 'TOO_LONG'
  | 'EMPTY'
  | 'NOT_A_STRING'
  | 'UNKNOWN_LOCATION'
  // Batch input problems (dialplan batch).
  | 'MALFORMED_CSV'
  | 'INVALID_ENCODING'
  | 'UNKNOWN_COLUMN'
  // Rule-file problems.
  | 'YAML_SYNTAX'
  | 'NOT_A_MAP'
  | 'UNKNOWN_KEY'
  | 'MISSING_KEY'
  | 'WRONG_TYPE'
  | 'EMPTY_VALUE'
  | 'BAD_PATTERN'
  | 'Z_NOT_LAST'
  | 'UNBALANCED_QUOTE'
  | 'UNBALANCED_BRACKET'
  | 'BAD_TEMPLATE'
  | 'TEMPLATE_MISMATCH'
  | 'ORDINAL_OUT_OF_RANGE'
  | 'UNKNOWN_REFERENCE'
  | 'UNDECLARED_CLASSIFICATION'
  | 'UNDECLARED_SET'
  | 'DUPLICATE_NAME'
  | 'DUPLICATE_EXTENSION'
  | 'BAD_EXTENSION'
  | 'INVALID_PLAN'
  | 'FILE_NOT_FOUND'
  | 'COMPILED_PLAN_INVALID'
  // Hostile rule files: over a limit, an alias that never ends (bytes that are not UTF-8 are INVALID_ENCODING).
  | 'TOO_LARGE'
  | 'RECURSIVE_ALIAS'
  // dialplan init.
  | 'UNKNOWN_COUNTRY'
  // Lint findings (dialplan lint).
  | 'UNREACHABLE_ENTRY'
  | 'SHADOWED_ENTRY'
  | 'CONVERSION_FALLS_THROUGH'
  | 'UNUSED_SET'
  | 'UNUSED_CLASSIFICATION'
  | 'UNROUTED_EXTENSION'
  | 'LINT_INCOMPLETE'
  | 'CROSS_CHECK_MISMATCH';

/** How bad a problem is: an error stops a plan from loading, a warning does not. */
export type Severity = 'error' | 'warning';

/**
 * One problem found in a rule file. `line` and `column` are 1-based and point at the offending node (or the offending
 * character inside a pattern); they are absent for plans given as plain objects, where `path` locates the node.
 */
export interface Problem {
  readonly code: ErrorCode;
  readonly severity: Severity;
  readonly message: string;
  /** Keys and indexes from the document root to the offending node. */
  readonly path: readonly (string | number)[];
  readonly file?: string;
  readonly line?: number;
  readonly column?: number;
  /** The offending source line and a caret under the column, ready to print. */
  readonly excerpt?: string;
}

/**
 * The error the library throws. A rule file with problems throws one `DialPlanError` with `code: 'INVALID_PLAN'`
 * whose `problems` lists every problem of the file, and whose message prints them all with positions.
 *
 * @example
 * ```ts
 * try {
 *   loadDialPlan('name: x\n', { file: 'x.yaml' });
 * } catch (e) {
 *   if (e instanceof DialPlanError) console.log(e.code, e.problems.length);
 * }
 * ```
 */
export class DialPlanError extends Error {
  override readonly name = 'DialPlanError';
  /** What went wrong, for programs. */
  readonly code: ErrorCode;
  /** Every problem behind this error (empty for a query-time error). */
  readonly problems: readonly Problem[];

  /**
   * @param code - the stable code
   * @param message - the human message
   * @param problems - the problems behind it, for `INVALID_PLAN`
   */
  constructor(code: ErrorCode, message: string, problems: readonly Problem[] = []) {
    super(message);
    this.code = code;
    this.problems = problems;
  }
}

/**
 * Formats one problem the way compilers do: `file:line:column: severity CODE message`, then the excerpt.
 *
 * @param problem - the problem to print
 * @returns one or more lines, without a trailing newline
 * @example
 * ```ts
 * formatProblem(problem); // "plan.yaml:4:12: error BAD_PATTERN ...\n   4 | ..."
 * ```
 */
export function formatProblem(problem: Problem): string {
  const where =
    problem.line !== undefined
      ? `${problem.file ?? '<input>'}:${problem.line}:${problem.column ?? 1}`
      : `${problem.file ?? '<plan>'}${problem.path.length > 0 ? ` at ${formatPath(problem.path)}` : ''}`;
  const head = `${where}: ${problem.severity} ${problem.code} ${problem.message}`;
  return problem.excerpt ? `${head}\n${problem.excerpt}` : head;
}

/**
 * Formats a path into a document the way JavaScript would reach it: `dialPlan[3].match`.
 *
 * @param path - keys and indexes
 * @returns the dotted path, or `(root)` for the empty path
 * @example
 * ```ts
 * formatPath(['dialPlan', 3, 'match']); // 'dialPlan[3].match'
 * ```
 */
export function formatPath(path: readonly (string | number)[]): string {
  if (path.length === 0) return '(root)';
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

/** Builds the error thrown for a plan with problems; its message lists every error first, then warnings. */
export function invalidPlanError(problems: readonly Problem[]): DialPlanError {
  const errors = problems.filter((p) => p.severity === 'error');
  const file = problems.find((p) => p.file !== undefined)?.file;
  const title = `${file ?? 'Dial plan'} has ${errors.length} problem${errors.length === 1 ? '' : 's'}:`;
  return new DialPlanError('INVALID_PLAN', [title, ...errors.map(formatProblem)].join('\n'), problems);
}

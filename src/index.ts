/**
 * dialplan: turn any phone-number string into the ICWS phone-number details by applying a dial plan authored in YAML.
 *
 * @example
 * ```ts
 * import { loadDefaultDialPlan } from 'dialplan';
 * const r = loadDefaultDialPlan().query('1-800-456-2354');
 * if (r.ok) console.log(r.details.displayText); // (Toll Free) 1 (800) 456-2354
 * ```
 * @packageDocumentation
 */
export { QueueType } from './types.js';
export { DETAIL_FIELDS } from './types.js';
export type { PhoneNumberDetails } from './types.js';
export type { QueryResult } from './types.js';
export type { QueryError } from './types.js';
export type { QueryErrorCode } from './types.js';
export type { QueryOptions } from './types.js';
export type { DialPlanRules } from './types.js';
export type { ClassificationRule } from './types.js';
export type { InputConversionRule } from './types.js';
export type { DialPlanEntryRule } from './types.js';
export type { UnmatchedRule } from './types.js';
export type { DirectoryEntryRule } from './types.js';
export type { DirectoryKind } from './types.js';
export type { DirectoryRules } from './types.js';
export type { TestCaseRule } from './types.js';
export { DialPlanError } from './errors.js';
export { formatProblem } from './errors.js';
export { formatPath } from './errors.js';
export type { ErrorCode } from './errors.js';
export type { Problem } from './errors.js';
export type { Severity } from './errors.js';
export { prepareNumber } from './prepare.js';
export { MAX_INPUT_LENGTH } from './prepare.js';
export type { PreparedNumber } from './prepare.js';
export type { PrepareResult } from './prepare.js';
export type { PrepareStep } from './prepare.js';
export { parsePattern } from './pattern.js';
export type { ParsedPattern } from './pattern.js';
export type { PatternToken } from './pattern.js';
export type { WildcardKind } from './pattern.js';
export type { SyntaxIssue } from './pattern.js';
export { parseTemplate } from './template.js';
export type { ParsedTemplate } from './template.js';
export type { TemplateToken } from './template.js';
export { loadDialPlan } from './load.js';
export { safeLoadDialPlan } from './load.js';
export { compileDialPlan } from './load.js';
export { safeCompileDialPlan } from './load.js';
export type { LoadOptions } from './load.js';
export type { LoadResult } from './load.js';
export { loadDialPlanFile } from './files.js';
export { safeLoadDialPlanFile } from './files.js';
export { loadDefaultDialPlan } from './files.js';
export { DEFAULT_RULES_PATH } from './files.js';
export type { DialPlan } from './plan.js';
export { formatExplanation } from './explain.js';
export type { Explanation } from './explain.js';
export type { ExplainedTable } from './explain.js';
export type { ExplainedEntry } from './explain.js';
export type { ExplainedTemplate } from './explain.js';
export type { ExplainedDirectory } from './explain.js';
export type { Capture } from './explain.js';
export type { SourcePosition } from './explain.js';
export { runInlineTests } from './inline-tests.js';
export { formatInlineTestFailure } from './inline-tests.js';
export type { InlineTestFailure } from './inline-tests.js';
export type { InlineTestReport } from './inline-tests.js';
export { lintDialPlan } from './lint/lint.js';
export { createQueryDetailsHandler } from './http/handler.js';
export { CSRF_HEADER } from './http/handler.js';
export type { QueryDetailsHandler } from './http/handler.js';
export type { QueryDetailsHandlerOptions } from './http/handler.js';
export type { SessionCredentials } from './http/handler.js';
export type { VerifySession } from './http/handler.js';
export { ICWS_ERROR_IDS } from './http/respond.js';
export { WWW_AUTHENTICATE } from './http/respond.js';
export type { IcwsError } from './http/respond.js';
export type { IcwsErrorId } from './http/respond.js';
export { createSessionStore } from './http/sessions.js';
export type { SessionStore } from './http/sessions.js';
export type { SessionStoreOptions } from './http/sessions.js';
export type { NewSession } from './http/sessions.js';
export { hashPassword } from './http/passwords.js';
export { verifyPassword } from './http/passwords.js';
export { createIcwsServer } from './http/server.js';
export type { IcwsServer } from './http/server.js';
export type { IcwsServerOptions } from './http/server.js';

/**
 * The formats `dialplan export --to` writes, each with its proof for `--verify`. No `node:` imports.
 */
import type { DialPlan } from '../plan/plan.js';
import type { MigrationIssue } from './imported-plan.js';
import { exportGenesys, GENESYS_MAX_NUMBER_PLANS, verifyGenesysExport } from './genesys.js';
import { exportTeams, verifyTeamsExport } from './teams-export.js';
import { TEAMS_MAX_RULES } from './teams.js';
import type { VerifyReport } from './verify.js';

/** What one export produced. */
export interface ExportRun {
  /** The main output (JSON). */
  readonly text: string;
  /** A script to apply it, when the format has one (Teams: PowerShell). */
  readonly script?: string;
  /** Errors and what does not carry over. */
  readonly issues: readonly MigrationIssue[];
  /** Whether the plan needs more than the format allows (nothing should be written). */
  readonly tooLarge: boolean;
  /**
   * Compares the other system's evaluation of the output with the plan on numbers drawn from the plan's patterns.
   *
   * @param options - the seed and numbers drawn per pattern
   * @returns the report
   */
  verify(options: { readonly seed: number; readonly perRule: number }): VerifyReport;
}

/** A format `dialplan export --to` writes. */
export interface ExportFormat {
  readonly name: string;
  /** Whether it also writes a script (`--ps1`). */
  readonly script: boolean;
  /**
   * Exports a plan.
   *
   * @param plan - the plan
   * @param options - the only location to export
   * @returns the output, issues and proof
   */
  run(plan: DialPlan, options: { readonly location?: string }): ExportRun;
}

/** The formats of `dialplan export --to`, by name. */
export const EXPORT_FORMATS: Readonly<Record<string, ExportFormat>> = {
  teams: {
    name: 'teams',
    script: true,
    run: (plan, options) => {
      const exported = exportTeams(plan, options);
      return {
        text: exported.json,
        script: exported.powershell,
        issues: exported.issues,
        tooLarge: exported.plans.some((p) => p.NormalizationRules.length > TEAMS_MAX_RULES),
        verify: (o) => verifyTeamsExport(plan, exported, o),
      };
    },
  },
  'genesys-cloud': {
    name: 'genesys-cloud',
    script: false,
    run: (plan, options) => {
      const exported = exportGenesys(plan, options);
      return {
        text: exported.json,
        issues: exported.issues,
        tooLarge: exported.sites.some((s) => s.numberPlans.length > GENESYS_MAX_NUMBER_PLANS),
        verify: (o) => verifyGenesysExport(plan, exported, o),
      };
    },
  },
};

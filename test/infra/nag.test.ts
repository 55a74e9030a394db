import { Validations, type App, type PolicyValidationPluginReport } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { synthesizeApp } from './app-fixture.ts';

interface Finding {
  readonly rule: string;
  readonly path: string;
}

interface Acknowledgement {
  readonly rule: string;
  readonly path: string;
  readonly reason: string;
}

function findings(report: PolicyValidationPluginReport): Finding[] {
  return report.violations.flatMap((violation) =>
    violation.violatingResources.map((resource) => ({
      rule: violation.ruleName,
      path: resource.constructPath ?? '?',
    })),
  );
}

/** The AwsSolutions findings left after the acknowledgements, exactly as synth computes them. */
function unacknowledgedFindings(app: App): Finding[] {
  return findings(new AwsSolutionsChecks().validateScope(app));
}

/** Every finding the pack raises when no acknowledgement is honoured. */
function rawFindings(app: App): Finding[] {
  const pack = new AwsSolutionsChecks();
  Object.defineProperty(pack, 'isAcknowledged', { value: () => false });
  return findings(pack.validateScope(app));
}

function acknowledgements(app: App): Acknowledgement[] {
  return app.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) =>
        Object.entries(entry.data as Record<string, string>).map(([id, reason]) => ({
          rule: id.replace(/^annotation::/i, ''),
          path: construct.node.path,
          reason,
        })),
      ),
  );
}

const defaults = synthesizeApp().app;
const everythingOn = synthesizeApp({
  alarmEmail: 'ops@example.com',
  syncTimesEt: '16:30,00:30,06:00',
  corsOrigin: 'https://winners.example.com',
}).app;

describe('cdk-nag AwsSolutions', () => {
  it('has no unacknowledged finding with the default context', () => {
    expect(unacknowledgedFindings(defaults)).toEqual([]);
  });

  it('has no unacknowledged finding with every optional feature configured', () => {
    expect(unacknowledgedFindings(everythingOn)).toEqual([]);
  });

  it('still finds things: the pack runs over all three stacks', () => {
    const raw = rawFindings(defaults);
    expect(new Set(raw.map((finding) => finding.path.split('/')[0]))).toEqual(
      new Set(['StockWinnersServices', 'StockWinnersWeb']),
    );
    expect(raw.length).toBeGreaterThan(10);
  });

  it('names the rule of every acknowledgement and gives a reason a reviewer can check', () => {
    const all = acknowledgements(defaults);
    expect(all.length).toBeGreaterThan(0);
    for (const acknowledgement of all) {
      expect(acknowledgement.rule).toMatch(/^AwsSolutions-[A-Z]+\d+(\[.+\])?$/);
      expect(
        acknowledgement.reason.length,
        `${acknowledgement.rule} at ${acknowledgement.path}`,
      ).toBeGreaterThan(60);
      expect(acknowledgement.reason).not.toMatch(/\b(TODO|FIXME|temporary|for now)\b/i);
    }
  });

  it('acknowledges only findings that exist, on the construct that has them (no stale acknowledgement)', () => {
    const raw = rawFindings(defaults);
    const stale = acknowledgements(defaults).filter(
      (acknowledgement) =>
        !raw.some(
          (finding) =>
            finding.rule === acknowledgement.rule &&
            (finding.path === acknowledgement.path || finding.path.startsWith(`${acknowledgement.path}/`)),
        ),
    );
    expect(stale).toEqual([]);
  });

  it('keeps acknowledgements off the stacks and the app: each one sits on the construct it concerns', () => {
    const scopes = new Set(['StockWinnersData', 'StockWinnersServices', 'StockWinnersWeb', '']);
    expect(acknowledgements(defaults).filter((acknowledgement) => scopes.has(acknowledgement.path))).toEqual(
      [],
    );
  });
});

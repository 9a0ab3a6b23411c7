/** Plans to render: the example repository's, and a synthetic estate of thousands of desktops. */
import type { DesiredResource } from '../../src/desired/index.js';
import type { Plan } from '../../src/plan/index.js';
import { desiredOf, desktop, emptyState, exampleRepo, planOf, recordOf, snapshotOf } from '../plan/helpers.js';

export async function examplePlan(): Promise<Plan> {
  const { desired } = await exampleRepo();
  return planOf({ desired, recorded: emptyState() });
}

/**
 * `n` new desktops in groups of 50 identical configurations, built from one loaded desktop rather than
 * from YAML (loading 20,000 documents would only slow the test down). The state also holds one
 * desktop per 100 that left git, so the plan has a blocked section too.
 */
export function estatePlan(n: number): Plan {
  const template = desiredOf({ 'one.yaml': [desktop('template')] }).resources[0]!;
  const resources: DesiredResource[] = Array.from({ length: n }, (_, i) => {
    const name = `d${String(i).padStart(5, '0')}`;
    const team = `team-${Math.floor(i / 50)}`;
    return {
      ...template,
      address: `Desktop/${name}`,
      name,
      spec: { ...template.spec, computer_name: name, user: { user_name: `u${name}`, user_group: 'sudo' }, tags: [{ key: 'team', value: team }] },
      source: { ...template.source, file: `desired-state/${team}.yaml`, line: 1 + (i % 50) * 20 },
    };
  });
  const gone = Array.from({ length: Math.floor(n / 100) }, (_, i) => recordOf(`Desktop/gone-${String(i).padStart(4, '0')}`, template.spec));
  return planOf({ desired: { resources, digest: 'e'.repeat(64) }, recorded: gone.length === 0 ? emptyState() : snapshotOf(gone) });
}

/** `plan --base REF`: the plan of a pull request, rendered with a line saying what it was compared with. */
import type { Config } from '../../config/index.js';
import { UsageError } from '../../errors.js';
import type { Plan } from '../../plan/index.js';
import { GITHUB_COMMENT_LIMIT, renderPlanMarkdown, renderPlanText, styleFor } from '../../render/index.js';
import { PLACEHOLDER_ID_PREFIX, runBasePlan } from '../../run/base-plan.js';
import type { CommandContext } from '../main.js';

export interface BasePlanFlags {
  base: string;
  format: 'text' | 'markdown' | 'json';
  refresh?: boolean;
  out?: string;
  target: string[];
}

/** Room kept under the comment limit for the note appended below the rendered plan. */
const NOTE_ROOM = 600;

function note(ref: string, commit: string, markdown: boolean): string {
  const at = markdown ? `\`${ref}\` (\`${commit.slice(0, 12)}\`)` : `${ref} (${commit.slice(0, 12)})`;
  return `Compared with the desired state at ${at}, as if all of it had been ordered: no recorded state and no cloud were read. Ids shown as ${markdown ? `\`${PLACEHOLDER_ID_PREFIX}…\`` : `${PLACEHOLDER_ID_PREFIX}…`} stand for cloud ids known only at apply time.`;
}

/** Plans against REF and writes the rendered plan; returns it so the caller sets the exit code. */
export async function planAgainstBase(ctx: CommandContext, config: Config, flags: BasePlanFlags): Promise<Plan> {
  if (flags.refresh) throw new UsageError('--base cannot be combined with --refresh', 'a --base plan reads no cloud: it compares two revisions of git');
  if (flags.out) throw new UsageError('--base cannot be combined with --out', 'a --base plan is for review and is never applied; save a plan without --base to apply it');
  const { plan, baseCommit } = await runBasePlan({ config, ref: flags.base, now: ctx.io.now(), targets: flags.target });
  if (flags.format === 'json') ctx.io.stdout(`${JSON.stringify(plan, null, 2)}\n`);
  else if (flags.format === 'markdown') ctx.io.stdout(`${renderPlanMarkdown(plan, GITHUB_COMMENT_LIMIT - NOTE_ROOM)}\n<sub>${note(flags.base, baseCommit, true)}</sub>\n`);
  else ctx.io.stdout(`${renderPlanText(plan, styleFor(ctx.io.isTTY, ctx.io.env))}\n${note(flags.base, baseCommit, false)}\n`);
  return plan;
}

/**
 * The plan as a Markdown document, opened in VS Code's Markdown preview before the person
 * confirms. Pure: the same text is unit-tested and shown.
 */
import type { CanaryOptions } from './deployer';
import type { FunctionPlan } from './planner';

export interface PlanPlace {
  connectionLabel: string;
  region: string;
  endpoint?: string;
}

/**
 * Text from the template or the account, as Markdown that shows it literally: no HTML, no
 * links or emphasis made from it, one line.
 */
export function plain(text: string | undefined): string {
  return (text ?? '')
    .replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
    .replace(/([\\`*_[\]#|!])/g, '\\$1')
    .replace(/\r?\n/g, ' ');
}

/** Markdown table cells: as plain(), pipes included. */
function cell(text: string | undefined): string {
  return plain(text);
}

function code(text: string): string {
  return `\`${text.replace(/`/g, "'")}\``;
}

/** What happens after the deploy, in words. */
export function describeCanary(canary: CanaryOptions): string {
  return canary.mode === 'rollout'
    ? `publish a version, then start the gradual rollout of alias ${canary.alias} to it`
    : `publish a version, then send ${canary.percent} % of alias ${canary.alias}'s traffic to it`;
}

function functionSection(plan: FunctionPlan): string[] {
  const lines: string[] = [];
  const name = plan.fn.functionName;
  const verb = plan.blockers.length ? 'not deployed' : plan.action === 'create' ? 'create (new function)' : 'update';
  lines.push(`## ${plain(name)} — ${verb}`, '');
  lines.push(`Template resource ${code(plan.fn.logicalId)} in ${code(plan.templateKey)}.`, '');
  if (plan.foreign) {
    lines.push(`> **Warning:** a function named ${code(name)} already exists there and was not deployed from this template resource. Deploying replaces its code and configuration; you are asked to confirm this separately.`, '');
  }
  if (plan.blockers.length) {
    lines.push('**Nothing is sent for this function:**', '');
    for (const b of plan.blockers) lines.push(`- ${plain(b)}`);
    lines.push('');
  }
  if (plan.pkg) {
    const from = plan.pkg.from === 'sam-build' ? '`sam build` output' : plan.pkg.from === 'local-build' ? 'the Local Lambda\'s esbuild bundle' : 'code folder as it is';
    const codeLine = plan.action === 'create' ? 'uploaded with the new function' : plan.codeChanged ? `code changes (deployed: ${code(plan.deployed?.CodeSha256 ?? '?')})` : 'code unchanged, not uploaded';
    lines.push('**Package**', '');
    lines.push(`- ${plan.pkg.fileCount} file${plan.pkg.fileCount === 1 ? '' : 's'} from ${code(plan.pkg.folder)} (${from})`);
    lines.push(`- ${plan.pkg.sizeText}`);
    lines.push(`- SHA-256 ${code(plan.pkg.sha256)} — ${codeLine}`, '');
  }
  if (plan.changes.length) {
    lines.push('**Configuration**', '');
    if (plan.action === 'create') {
      lines.push('| Setting | Value |', '| --- | --- |');
      for (const c of plan.changes) lines.push(`| ${cell(c.label)} | ${cell(c.after)} |`);
    } else {
      lines.push('| Setting | Deployed | After the deploy | Change |', '| --- | --- | --- | --- |');
      for (const c of plan.changes) lines.push(`| ${cell(c.label)} | ${cell(c.before)} | ${c.changed ? `**${cell(c.after)}**` : cell(c.after)} | ${c.changed ? 'changes' : 'same'} |`);
    }
    lines.push('');
    if (plan.action === 'update' && plan.deployed?.RevisionId) {
      lines.push(`Guarded by RevisionId ${code(plan.deployed.RevisionId)}: if the function changes before the deploy, it stops and shows what changed.`, '');
    }
  }
  if (plan.warnings.length) {
    lines.push('**Warnings**', '');
    for (const w of plan.warnings) lines.push(`- ${plain(w)}`);
    lines.push('');
  }
  return lines;
}

/** The whole plan: where it goes, then each function. */
export function renderPlan(plans: readonly FunctionPlan[], place: PlanPlace, canary?: CanaryOptions): string {
  const where = `${place.connectionLabel} (${place.region}${place.endpoint ? `, ${place.endpoint}` : ''})`;
  const ready = plans.filter((p) => !p.blockers.length);
  const lines = [`# Deploy plan → ${cell(where)}`, ''];
  lines.push(`${ready.length} of ${plans.length} function${plans.length === 1 ? '' : 's'} will be deployed. Nothing has been sent yet; confirm in the dialog to start.`, '');
  if (canary && ready.length) lines.push(`**As a canary:** after the deploy, ${plain(describeCanary(canary))}.`, '');
  for (const plan of plans) lines.push(...functionSection(plan));
  return lines.join('\n');
}

/** The confirmation dialog's detail: one line per function. */
export function planSummary(plans: readonly FunctionPlan[], canary?: CanaryOptions): string {
  const lines = plans.map((p) => {
    if (p.blockers.length) return `${p.fn.functionName}: not deployed (${p.blockers[0]})`;
    const changed = p.changes.filter((c) => c.changed).map((c) => c.label);
    if (p.action === 'create') return `${p.fn.functionName}: create, ${p.pkg?.sizeText ?? ''}`;
    const parts = [p.codeChanged ? 'code' : '', ...changed].filter(Boolean);
    return `${p.fn.functionName}: update ${parts.length ? parts.join(', ') : '(nothing changes)'}${p.foreign ? ' — NOT from this template' : ''}`;
  });
  if (canary && plans.some((p) => !p.blockers.length)) lines.push(`Then, as a canary: ${describeCanary(canary)}.`);
  return lines.join('\n');
}

export interface ResultView {
  functionName: string;
  status: string;
  message?: string;
  steps?: ReadonlyArray<{ title: string; status: string; detail?: string }>;
}

const STEP_MARKS: Readonly<Record<string, string>> = { done: '✓', failed: '✗', pending: '·', running: '…', skipped: '–' };

/** What the deploy did, step by step, for the end of the plan's document. */
export function renderResults(results: readonly ResultView[]): string {
  const lines = ['---', '', '# Result', ''];
  for (const r of results) {
    lines.push(`## ${plain(r.functionName)} — ${plain(r.status)}`, '');
    if (r.message) lines.push(plain(r.message), '');
    for (const s of r.steps ?? []) lines.push(`- ${STEP_MARKS[s.status] ?? s.status} ${plain(s.title)}${s.detail ? ` — ${plain(s.detail)}` : ''}`);
    if (r.steps?.length) lines.push('');
  }
  return lines.join('\n');
}

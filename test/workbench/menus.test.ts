import * as assert from 'node:assert/strict';
import { Commands } from '../../src/workbench/ids';
import { AliasesNode, AliasNode, ConnectionNode, FunctionNode, LoadMoreNode, RegionNode, SignedOutNode, VersionsNode, type ExplorerNode } from '../../src/features/explorer/nodes';
import { readManifest } from '../support/repo';

interface MenuItem {
  command: string;
  submenu?: string;
  when?: string;
  group?: string;
}
const manifest = readManifest() as { contributes: { menus: Record<string, MenuItem[]> } };

/** Evaluates the `when` forms our menus use: `a == b`, `viewItem =~ /re/`, a bare key (true when "true") and `&&`. */
function whenHolds(when: string | undefined, context: Record<string, string>): boolean {
  if (!when) return true;
  return when.split('&&').every((clause) => {
    const term = clause.trim();
    const regex = /^(\S+) =~ \/(.*)\/$/.exec(term);
    if (regex) return new RegExp(regex[2]).test(context[regex[1]] ?? '');
    const equal = /^(\S+) == (\S+)$/.exec(term);
    if (equal) return context[equal[1]] === equal[2];
    if (/^[A-Za-z.]+$/.test(term)) return context[term] === 'true';
    throw new Error(`unsupported when clause: ${term}`);
  });
}

/** Commands offered on a node's context menu (inline or not), submenus included. */
function commandsFor(node: ExplorerNode, trusted = true): Set<string> {
  const context = { view: 'lambdaWorkbench.explorer', viewItem: node.contextValue, isWorkspaceTrusted: String(trusted) };
  const expand = (items: MenuItem[]): string[] => items.filter((m) => whenHolds(m.when, context))
    .flatMap((m) => (m.submenu ? expand(manifest.contributes.menus[m.submenu] ?? []) : [m.command]));
  return new Set(expand(manifest.contributes.menus['view/item/context']));
}

/** The entries at the top of a node's context menu (not inline): commands and submenus. */
function topEntries(node: ExplorerNode): string[] {
  const context = { view: 'lambdaWorkbench.explorer', viewItem: node.contextValue, isWorkspaceTrusted: 'true' };
  return manifest.contributes.menus['view/item/context'].filter((m) => !m.group?.startsWith('inline') && whenHolds(m.when, context)).map((m) => m.submenu ?? m.command);
}

function inlineFor(node: ExplorerNode): string[] {
  const context = { view: 'lambdaWorkbench.explorer', viewItem: node.contextValue, isWorkspaceTrusted: 'true' };
  return manifest.contributes.menus['view/item/context'].filter((m) => m.group?.startsWith('inline') && whenHolds(m.when, context)).map((m) => m.command);
}

describe('tree menus follow the node kinds', () => {
  const profile = new ConnectionNode('profile:dev', 'profile', 'dev', false, false);
  const profileFiltered = new ConnectionNode('profile:dev', 'profile', 'dev', false, true);
  const localStopped = new ConnectionNode('local', 'local', 'Local Lambda', false, false);
  const localRunning = new ConnectionNode('local', 'local', 'Local Lambda', true, true);
  const custom = new ConnectionNode('custom:ls', 'custom', 'ls', false, false);
  const fn = (conn: ConnectionNode) => new FunctionNode(new RegionNode(conn, 'us-east-1'), { FunctionName: 'f', FunctionArn: 'arn:aws:lambda:us-east-1:1:function:f' });

  it('AWS profiles can add regions and explain sign-in; their regions can be removed', () => {
    const menu = commandsFor(profile);
    for (const c of [Commands.addRegion, Commands.signInHint, Commands.filterFunctions, Commands.refreshNode]) assert.ok(menu.has(c), c);
    assert.ok(!menu.has(Commands.clearFilter), 'no clear-filter without a filter');
    assert.ok(commandsFor(profileFiltered).has(Commands.clearFilter));
    assert.ok(commandsFor(new RegionNode(profile, 'us-east-1')).has(Commands.removeRegion));
    assert.ok(!commandsFor(new RegionNode(custom, 'us-east-1')).has(Commands.removeRegion), 'a custom endpoint has one fixed region');
    assert.ok(!commandsFor(custom).has(Commands.addRegion));
  });

  it('the Local Lambda offers start when stopped, stop/restart when running', () => {
    assert.ok(commandsFor(localStopped).has(Commands.startLocal));
    assert.ok(!commandsFor(localStopped).has(Commands.stopLocal));
    const running = commandsFor(localRunning);
    assert.ok(running.has(Commands.stopLocal) && running.has(Commands.restartLocal));
    assert.ok(!running.has(Commands.startLocal));
    assert.ok(running.has(Commands.clearFilter));
  });

  it('in Restricted Mode nothing that runs or uploads the folder\'s code is offered; AWS actions stay', () => {
    const ran = [Commands.startLocal, Commands.stopLocal, Commands.restartLocal, Commands.deployCode, Commands.quickDeploy, Commands.toggleDeployOnSave];
    for (const node of [localStopped, localRunning, fn(profile), fn(localRunning)]) {
      const menu = commandsFor(node, false);
      for (const c of ran) assert.ok(!menu.has(c), `${c} on ${node.contextValue}`);
    }
    const aws = commandsFor(fn(profile), false);
    for (const c of [Commands.openFunctionPanel, Commands.invokeFunction, Commands.copyArn, Commands.downloadCode]) assert.ok(aws.has(c), c);
    const palette = manifest.contributes.menus.commandPalette;
    for (const c of ran) {
      assert.ok(palette.some((m) => m.command === c && !whenHolds(m.when, { isWorkspaceTrusted: 'false' })), `${c} hidden from the palette`);
      assert.ok(palette.some((m) => m.command === c && whenHolds(m.when, { isWorkspaceTrusted: 'true' })), `${c} in the palette when trusted`);
    }
  });

  it('a function\'s code actions sit in one "Code" submenu, showing only what applies to its link', () => {
    const unlinked = fn(localRunning);
    const linked = new FunctionNode(new RegionNode(localRunning, 'us-east-1'), { FunctionName: 'f' }, new Date(), true);
    assert.ok(topEntries(unlinked).includes('lambdaWorkbench.code'));
    assert.ok(!topEntries(unlinked).some((c) => c.startsWith('lambdaWorkbench.code.')), 'no code command at the top level');
    assert.ok(topEntries(unlinked).length <= 12, `top level: ${topEntries(unlinked).join(', ')}`);
    const plain = commandsFor(unlinked);
    for (const c of [Commands.downloadCode, Commands.deployCode, Commands.linkFolder]) assert.ok(plain.has(c), c);
    for (const c of [Commands.quickDeploy, Commands.unlinkFolder, Commands.toggleDeployOnSave]) assert.ok(!plain.has(c), `${c} without a linked folder`);
    const withLink = commandsFor(linked);
    for (const c of [Commands.quickDeploy, Commands.unlinkFolder, Commands.toggleDeployOnSave, Commands.downloadCode]) assert.ok(withLink.has(c), c);
    assert.ok(!withLink.has(Commands.linkFolder), 'already linked');
  });

  it('the running Local Lambda\'s row shows Restart and Stop inline, not a look-alike Refresh beside Restart', () => {
    const inline = inlineFor(localRunning);
    assert.ok(inline.includes(Commands.restartLocal) && inline.includes(Commands.stopLocal));
    assert.ok(!inline.includes(Commands.refreshNode), inline.join(', '));
    assert.ok(commandsFor(localRunning).has(Commands.refreshNode), 'Refresh stays in its context menu');
    assert.ok(inlineFor(profile).includes(Commands.refreshNode));
  });

  it('the one view is named like its container, so its title is not cut to "…: CON…"', () => {
    const views = (manifest as unknown as { contributes: { views: Record<string, Array<{ name: string }>>; viewsContainers: { activitybar: Array<{ title: string }> } } }).contributes;
    assert.equal(views.views['lambda-workbench'][0].name, views.viewsContainers.activitybar[0].title);
  });

  it('functions, versions and aliases copy ARNs; only AWS functions open the console', () => {
    assert.ok(commandsFor(fn(profile)).has(Commands.openInConsole));
    assert.ok(!commandsFor(fn(localRunning)).has(Commands.openInConsole));
    assert.ok(!commandsFor(fn(custom)).has(Commands.openInConsole));
    const f = fn(profile);
    const alias = new AliasNode(new AliasesNode(f), { Name: 'live', FunctionVersion: '1', AliasArn: 'arn:aws:lambda:us-east-1:1:function:f:live' });
    for (const node of [f, fn(localRunning), alias]) assert.ok(commandsFor(node).has(Commands.copyArn), node.contextValue);
    assert.ok(!commandsFor(new VersionsNode(f)).has(Commands.copyArn));
  });

  it('load-more and signed-out nodes act on click', () => {
    const region = new RegionNode(profile, 'us-east-1');
    assert.equal(new LoadMoreNode(region, 50).command?.command, Commands.loadMore);
    assert.equal(new SignedOutNode(profile, profile, 'expired', 'aws sso login --profile dev').command?.command, Commands.signInHint);
  });

  it('node-only commands are hidden from the Command Palette', () => {
    const hidden = new Set(manifest.contributes.menus.commandPalette.filter((m) => m.when === 'false').map((m) => m.command));
    for (const c of [Commands.loadMore, Commands.copyArn, Commands.openInConsole, Commands.removeRegion, Commands.refreshNode]) assert.ok(hidden.has(c), c);
    for (const c of [Commands.refresh, Commands.filterFunctions, Commands.addCustomEndpoint, Commands.startLocal, Commands.showLog]) assert.ok(!hidden.has(c), c);
  });
});

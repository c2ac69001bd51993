import * as vscode from 'vscode';
import { customConnection } from '../../aws/connections';
import { affects, readSettings, SettingKeys, updateSetting } from '../../workbench/config';
import type { Workbench } from '../../workbench/context';
import { Commands, EXPLORER_VIEW_ID } from '../../workbench/ids';
import { EXPLORER_COMMANDS, type ExplorerCommandId } from './commandIds';
import { ExplorerModel } from './model';
import { ConnectionNode, ExplorerNode, FunctionNode, hasArn, LoadMoreNode, RegionNode, SignedOutNode, TriggerNode } from './nodes';
import { functionEvents } from '../../shared/sam/events';
import { readFolderTemplates } from '../../workbench/samTemplates';
import { curlCommand } from './curl';
import { ExplorerProvider } from './provider';
import { consoleUrl } from './tooltips';
import type { LambdaApi } from '../../aws/lambda';
import type { ScheduleEntry } from '../../shared/schedule';

/** Regions offered by "Add Region"; any other id can be typed. */
const KNOWN_REGIONS = [
  'us-east-1', 'us-east-2', 'us-west-1', 'us-west-2', 'ca-central-1', 'sa-east-1',
  'eu-west-1', 'eu-west-2', 'eu-west-3', 'eu-central-1', 'eu-central-2', 'eu-north-1', 'eu-south-1',
  'ap-south-1', 'ap-southeast-1', 'ap-southeast-2', 'ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3', 'ap-east-1',
  'me-south-1', 'af-south-1',
];
const REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d+$/;

/** The connection a node belongs to, or one the user picks among those shown. */
async function pickConnection(model: ExplorerModel, node: ExplorerNode | undefined): Promise<ConnectionNode | undefined> {
  for (let n: ExplorerNode | undefined = node; n; n = n.parent) if (n instanceof ConnectionNode) return n;
  const nodes = model.listConnectionNodes();
  if (nodes.length <= 1) return nodes[0];
  const picked = await vscode.window.showQuickPick(
    nodes.map((c) => ({ label: c.label, description: c.description, node: c })),
    { placeHolder: 'Which connection?' },
  );
  return picked?.node;
}

/** What the tree needs once it is shown or one of its commands runs: loaded on first use. */
export interface ExplorerParts {
  model: ExplorerModel;
  provider: ExplorerProvider;
  commands: Record<ExplorerCommandId, (...args: never[]) => unknown>;
}

/** The Connections tree's model, its rendering and the commands that act on its nodes. */
export function createExplorer(ws: Workbench): ExplorerParts {
  const { log } = ws;
  // Read once and on change: the tree asks for every row it renders, which may be thousands.
  let healthLine = readSettings().healthLine;
  const model = ws.own(new ExplorerModel({
    connections: ws.connections, pageSize: () => readSettings().pageSize, log,
    health: {
      enabled: () => healthLine.enabled,
      largeConnections: () => healthLine.largeConnections,
      largeThreshold: () => healthLine.largeConnectionThreshold,
    },
    isLinked: (connectionId, region, functionName) => ws.codeLinks.forFunction(connectionId, region, functionName).length > 0,
    templateEvents: async (functionName) => {
      const { localFolder, localRun } = readSettings();
      if (!localFolder) return undefined;
      const project = await readFolderTemplates(localFolder, localRun.parameterOverrides, (file, message) => log.warn(`Triggers: cannot read ${file}: ${message}`));
      for (const { read } of project) {
        const fn = read.template?.functions.find((f) => f.functionName === functionName);
        if (fn && read.template) return functionEvents(read.template, functionName);
      }
      return undefined;
    },
  }));
  ws.own(ws.codeLinks.onDidChange(() => model.refreshLinks()));
  const provider = ws.own(new ExplorerProvider(model));
  ws.own(vscode.workspace.onDidChangeConfiguration((event) => {
    if (affects(event, SettingKeys.healthLineEnabled) || affects(event, SettingKeys.healthLineLargeConnections)
      || affects(event, SettingKeys.healthLineLargeThreshold)) {
      healthLine = readSettings().healthLine;
      model.healthSettingsChanged();
    }
  }));
  // Changes made elsewhere in the window re-list the function's versions and aliases, so alias descriptions show the live weights.
  ws.own(ws.onDidChangeFunction((fn) => model.refreshFunction(fn.connectionId, fn.region, fn.functionName)));

  const commands: Partial<ExplorerParts['commands']> = {};
  const on = (id: ExplorerCommandId, run: (...args: never[]) => unknown): void => {
    commands[id] = run;
  };
  on(Commands.refresh, () => model.refresh());
  on(Commands.refreshNode, (node?: ExplorerNode) => model.refresh(node));

  on(Commands.filterFunctions, async (node?: ExplorerNode) => {
    const connection = await pickConnection(model, node);
    if (!connection) return;
    const text = await vscode.window.showInputBox({
      title: `Filter functions of ${connection.label}`,
      prompt: 'Show functions whose name contains this text (not case-sensitive). Leave empty to show all.',
      value: model.getFilter(connection.connectionId) ?? '',
    });
    if (text === undefined) return;
    model.setFilter(connection.connectionId, text);
  });

  on(Commands.clearFilter, async (node?: ExplorerNode) => {
    if (node) {
      const connection = await pickConnection(model, node);
      if (connection) model.setFilter(connection.connectionId, undefined);
      return;
    }
    for (const c of model.listConnectionNodes()) if (model.getFilter(c.connectionId)) model.setFilter(c.connectionId, undefined);
  });

  on(Commands.loadMore, async (node: LoadMoreNode) => {
    if (!(node instanceof LoadMoreNode)) return;
    await vscode.window.withProgress({ location: { viewId: EXPLORER_VIEW_ID } }, () => model.loadMore(node));
  });

  on(Commands.addRegion, async () => {
    const current = readSettings().regions;
    const items = KNOWN_REGIONS.filter((r) => !current.includes(r)).map((label) => ({ label }));
    const input = vscode.window.createQuickPick();
    input.title = 'Add a region to every AWS profile';
    input.placeholder = 'Region id, e.g. eu-west-1';
    input.items = items;
    const region = await new Promise<string | undefined>((resolve) => {
      input.onDidChangeValue((value) => {
        input.items = REGION_PATTERN.test(value) && !KNOWN_REGIONS.includes(value) ? [{ label: value }, ...items] : items;
      });
      input.onDidAccept(() => resolve(input.selectedItems[0]?.label ?? (REGION_PATTERN.test(input.value) ? input.value : undefined)));
      input.onDidHide(() => resolve(undefined));
      input.show();
    });
    input.dispose();
    if (!region || current.includes(region)) return;
    await updateSetting(SettingKeys.regions, [...current, region]);
  });

  on(Commands.removeRegion, async (node?: RegionNode) => {
    if (!(node instanceof RegionNode)) return;
    const current = readSettings().regions;
    await updateSetting(SettingKeys.regions, current.filter((r) => r !== node.region));
  });

  on(Commands.addCustomEndpoint, async () => {
    const name = await vscode.window.showInputBox({ title: 'Add Custom Endpoint (1/3)', prompt: 'A name for the connection', placeHolder: 'LocalStack' });
    if (!name?.trim()) return;
    const endpoint = await vscode.window.showInputBox({
      title: 'Add Custom Endpoint (2/3)',
      prompt: 'The endpoint URL',
      value: 'http://localhost:4566',
      validateInput: (value) => {
        const result = customConnection({ name, endpoint: value });
        return 'invalid' in result ? result.invalid : undefined;
      },
    });
    if (!endpoint) return;
    const region = await vscode.window.showInputBox({
      title: 'Add Custom Endpoint (3/3)',
      prompt: 'The region the endpoint emulates',
      value: 'us-east-1',
      validateInput: (value) => (REGION_PATTERN.test(value.trim()) ? undefined : 'Expected a region id such as us-east-1'),
    });
    if (!region) return;
    const existing = readSettings().customEndpoints.filter((e) => (e as { name?: unknown })?.name !== name.trim());
    await updateSetting(SettingKeys.customEndpoints, [...existing, { name: name.trim(), endpoint: endpoint.trim(), region: region.trim() }]);
  });

  on(Commands.copyArn, async (node?: ExplorerNode) => {
    if (!node || !hasArn(node) || !node.arn) return;
    await vscode.env.clipboard.writeText(node.arn);
    vscode.window.setStatusBarMessage(`Copied ${node.arn}`, 3000);
  });

  on(Commands.openInConsole, async (node?: ExplorerNode) => {
    if (!(node instanceof FunctionNode) || node.region.connection.connectionKind !== 'profile') return;
    await vscode.env.openExternal(vscode.Uri.parse(consoleUrl(node.arn ?? '', node.region.region, node.functionName), true));
  });

  /** The URL of a Function URL row; undefined for any other node or an address that is not http(s). */
  const functionUrlOf = (node?: ExplorerNode) => {
    if (!(node instanceof TriggerNode) || !node.item.url) return undefined;
    const { url } = node.item;
    return /^https?:\/\//i.test(url.url) ? { node, url } : undefined;
  };

  on(Commands.openFunctionUrl, async (node?: ExplorerNode) => {
    const found = functionUrlOf(node);
    if (!found) return;
    if (found.url.authType === 'AWS_IAM') {
      const choice = await vscode.window.showWarningMessage(
        'This URL takes only SigV4-signed requests (AuthType AWS_IAM), so a browser gets 403 Forbidden. Copy a curl command that signs the request instead?',
        'Copy curl Command', 'Open Anyway',
      );
      if (choice === 'Copy curl Command') return vscode.commands.executeCommand(Commands.copyCurlCommand, node);
      if (choice !== 'Open Anyway') return;
    }
    await vscode.env.openExternal(vscode.Uri.parse(found.url.url, true));
  });

  on(Commands.copyFunctionUrl, async (node?: ExplorerNode) => {
    const found = functionUrlOf(node);
    if (!found) return;
    await vscode.env.clipboard.writeText(found.url.url);
    vscode.window.setStatusBarMessage(`Copied ${found.url.url}`, 3000);
  });

  on(Commands.copyCurlCommand, async (node?: ExplorerNode) => {
    const found = functionUrlOf(node);
    if (!found) return;
    const fn = found.node.triggers.fn;
    // Profiles may hand out temporary credentials (SSO, roles); curl drops the header when the variable is empty.
    const line = curlCommand(found.url, { region: fn.region.region, sessionToken: fn.region.connection.connectionKind === 'profile' });
    await vscode.env.clipboard.writeText(line);
    vscode.window.setStatusBarMessage(
      found.url.authType === 'AWS_IAM' ? 'Copied a curl command; it signs with AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY from your shell' : 'Copied a curl command',
      5000,
    );
  });

  /** A Local Lambda schedule row, with the API of its function's connection. */
  const scheduleOf = (node?: ExplorerNode) => (node instanceof TriggerNode && node.item.schedule ? { node, schedule: node.item.schedule } : undefined);
  const onSchedule = async (node: ExplorerNode | undefined, act: (api: LambdaApi, id: string) => Promise<ScheduleEntry>, done: (entry: ScheduleEntry) => string) => {
    const found = scheduleOf(node);
    if (!found) return;
    try {
      const api = await model.apiForFunction(found.node.triggers.fn);
      const entry = await act(api, found.schedule.id);
      vscode.window.setStatusBarMessage(done(entry), 5000);
    } catch (error) {
      void ws.showError(error, `Schedule ${found.schedule.id}`);
    } finally {
      model.refresh(found.node.triggers);
    }
  };
  on(Commands.startSchedule, (node?: ExplorerNode) => onSchedule(node, (api, id) => api.setLocalScheduleFiring(id, true),
    (e) => `${e.eventName} fires on the Local Lambda${e.nextFire ? `; next at ${new Date(e.nextFire).toLocaleTimeString()}` : ''}`));
  on(Commands.stopSchedule, (node?: ExplorerNode) => onSchedule(node, (api, id) => api.setLocalScheduleFiring(id, false),
    (e) => `${e.eventName} no longer fires on the Local Lambda`));
  on(Commands.fireScheduleNow, (node?: ExplorerNode) => onSchedule(node, (api, id) => api.fireLocalSchedule(id),
    (e) => `Sent ${e.eventName}'s event to ${e.functionName} (request ${e.lastFired?.requestId ?? ''}); its run shows in the Logs tab`));

  on(Commands.signInHint, async (node?: ExplorerNode) => {
    const signedOut = node instanceof SignedOutNode ? node : undefined;
    const connection = await pickConnection(model, node);
    const fix = signedOut?.fixCommand ?? (connection ? `aws sso login --profile ${connection.label}` : 'aws configure');
    const message = signedOut?.message ?? `Sign in with the AWS CLI, then refresh: \`${fix}\``;
    const choice = await vscode.window.showInformationMessage(message, 'Run in Terminal', 'Copy Command');
    if (choice === 'Run in Terminal') {
      const terminal = vscode.window.createTerminal('AWS sign-in');
      terminal.show();
      terminal.sendText(fix);
    } else if (choice === 'Copy Command') {
      await vscode.env.clipboard.writeText(fix);
    }
  });

  on(Commands.toggleLargeConnection, async (node?: ExplorerNode) => {
    const connection = await pickConnection(model, node);
    if (!connection) return;
    const marked = readSettings().healthLine.largeConnections;
    const large = marked.includes(connection.connectionId);
    await updateSetting(SettingKeys.healthLineLargeConnections, large ? marked.filter((id) => id !== connection.connectionId) : [...marked, connection.connectionId]);
    vscode.window.setStatusBarMessage(large
      ? `${connection.label} is no longer marked large: its functions show the health line`
      : `${connection.label} is marked large: its functions show no health line`, 5000);
  });

  const missing = EXPLORER_COMMANDS.filter((id) => !commands[id]);
  if (missing.length > 0) throw new Error(`The tree has no handler for ${missing.join(', ')}`);
  return { model, provider, commands: commands as ExplorerParts['commands'] };
}

/**
 * The extension's names that VS Code and its storage know it by: command ids, view ids, webview
 * view types, storage keys. A leaf loaded at activation, so it imports nothing.
 */

/** Every command the extension contributes. package.json must list exactly these (a unit test checks). */
export const Commands = {
  refresh: 'lambdaWorkbench.refresh',
  refreshNode: 'lambdaWorkbench.refreshNode',
  filterFunctions: 'lambdaWorkbench.filterFunctions',
  clearFilter: 'lambdaWorkbench.clearFilter',
  loadMore: 'lambdaWorkbench.loadMore',
  addRegion: 'lambdaWorkbench.addRegion',
  removeRegion: 'lambdaWorkbench.removeRegion',
  addCustomEndpoint: 'lambdaWorkbench.addCustomEndpoint',
  copyArn: 'lambdaWorkbench.copyArn',
  openInConsole: 'lambdaWorkbench.openInConsole',
  openFunctionUrl: 'lambdaWorkbench.openFunctionUrl',
  copyFunctionUrl: 'lambdaWorkbench.copyFunctionUrl',
  copyCurlCommand: 'lambdaWorkbench.copyCurlCommand',
  startSchedule: 'lambdaWorkbench.startSchedule',
  stopSchedule: 'lambdaWorkbench.stopSchedule',
  fireScheduleNow: 'lambdaWorkbench.fireScheduleNow',
  showLog: 'lambdaWorkbench.showLog',
  signInHint: 'lambdaWorkbench.signInHint',
  toggleLargeConnection: 'lambdaWorkbench.toggleLargeConnection',
  startLocal: 'lambdaWorkbench.local.start',
  stopLocal: 'lambdaWorkbench.local.stop',
  restartLocal: 'lambdaWorkbench.local.restart',
  openFunctionPanel: 'lambdaWorkbench.openFunctionPanel',
  invokeFunction: 'lambdaWorkbench.invokeFunction',
  invokeAgain: 'lambdaWorkbench.invokeAgain',
  debugFunction: 'lambdaWorkbench.debugFunction',
  newSampleEvent: 'lambdaWorkbench.newSampleEvent',
  invokeHandler: 'lambdaWorkbench.invokeHandler',
  forgetHandlerFunction: 'lambdaWorkbench.forgetHandlerFunction',
  downloadCode: 'lambdaWorkbench.code.download',
  deployCode: 'lambdaWorkbench.code.deploy',
  quickDeploy: 'lambdaWorkbench.code.quickDeploy',
  linkFolder: 'lambdaWorkbench.code.linkFolder',
  unlinkFolder: 'lambdaWorkbench.code.unlinkFolder',
  toggleDeployOnSave: 'lambdaWorkbench.code.toggleDeployOnSave',
  tailLogGroup: 'lambdaWorkbench.tailLogGroup',
  tailLogs: 'lambdaWorkbench.tailLogs',
  editEnvironmentVariables: 'lambdaWorkbench.editEnvironmentVariables',
  publishVersion: 'lambdaWorkbench.publishVersion',
  createAlias: 'lambdaWorkbench.createAlias',
  editAlias: 'lambdaWorkbench.editAlias',
  shiftTraffic: 'lambdaWorkbench.shiftTraffic',
  promoteAlias: 'lambdaWorkbench.promoteAlias',
  rollBackAlias: 'lambdaWorkbench.rollBackAlias',
  deleteAlias: 'lambdaWorkbench.deleteAlias',
  startRollout: 'lambdaWorkbench.startRollout',
  pauseRollout: 'lambdaWorkbench.pauseRollout',
  resumeRollout: 'lambdaWorkbench.resumeRollout',
  stopRollout: 'lambdaWorkbench.stopRollout',
} as const;

export type CommandId = (typeof Commands)[keyof typeof Commands];

export const ALL_COMMAND_IDS: readonly CommandId[] = Object.values(Commands);

/** Debug types the extension contributes (package.json `debuggers`). */
export const DebugTypes = {
  /** launch.json: debug a function on the Local Lambda (`function`, `qualifier`, `event`, `env`). */
  launch: 'lambda-workbench',
  /** Internal: VS Code's side of a Python debug session, connected to debugpy in the function's runtime. */
  python: 'lambda-workbench-python',
} as const;

/** The Connections tree. */
export const EXPLORER_VIEW_ID = 'lambdaWorkbench.explorer';

/** Webview panel types (package.json activates on the function panel's, so a restored panel comes back). */
export const ViewTypes = {
  functionPanel: 'lambdaWorkbench.functionPanel',
  logGroupPanel: 'lambdaWorkbench.logGroupPanel',
} as const;

/** Keys of what the extension keeps in VS Code's workspace and global state. */
export const StorageKeys = {
  /** workspaceState: invocations per function. */
  invokeHistory: 'lambdaWorkbench.invokeHistory',
  /** workspaceState: the last invocation, for "Invoke Again". */
  lastInvocation: 'lambdaWorkbench.lastInvocation',
  /** workspaceState: recently sent events per function. */
  recentEvents: 'lambdaWorkbench.recentEvents',
  /** workspaceState: handler file → function chosen for its CodeLens. */
  handlerFunctions: 'lambdaWorkbench.handlerFunctions',
  /** workspaceState: folders linked to functions. */
  codeLinks: 'lambdaWorkbench.codeLinks',
  /** workspaceState: the version each alias pointed to before its last move, for Roll Back. */
  previousPrimaries: 'lambdaWorkbench.previousPrimaries',
  /** globalState: one record per gradual rollout, under this prefix. */
  rolloutPrefix: 'lambdaWorkbench.rollout.',
} as const;

/** The status-bar item showing whether a linked folder is in sync. */
export const CODE_STATUS_BAR_ID = 'lambdaWorkbench.codeSync';

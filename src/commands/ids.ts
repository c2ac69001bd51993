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
  showLog: 'lambdaWorkbench.showLog',
  signInHint: 'lambdaWorkbench.signInHint',
  startLocal: 'lambdaWorkbench.local.start',
  stopLocal: 'lambdaWorkbench.local.stop',
  restartLocal: 'lambdaWorkbench.local.restart',
} as const;

export type CommandId = (typeof Commands)[keyof typeof Commands];

export const ALL_COMMAND_IDS: readonly CommandId[] = Object.values(Commands);

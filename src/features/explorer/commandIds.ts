import { Commands } from '../../workbench/ids';

/** The tree's commands whose code loads with the tree (src/features/explorer/explorer.ts). */
export const EXPLORER_COMMANDS = [
  Commands.refresh,
  Commands.refreshNode,
  Commands.filterFunctions,
  Commands.clearFilter,
  Commands.loadMore,
  Commands.addRegion,
  Commands.removeRegion,
  Commands.addCustomEndpoint,
  Commands.copyArn,
  Commands.openInConsole,
  Commands.openFunctionUrl,
  Commands.copyFunctionUrl,
  Commands.copyCurlCommand,
  Commands.startSchedule,
  Commands.stopSchedule,
  Commands.fireScheduleNow,
  Commands.signInHint,
  Commands.toggleLargeConnection,
] as const;

export type ExplorerCommandId = (typeof EXPLORER_COMMANDS)[number];

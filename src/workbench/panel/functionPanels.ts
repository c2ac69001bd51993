import type { Envelope, Protocol } from '../../shared/protocol';
import type { FunctionTarget, TabId } from '../../shared/target';
import type { Workbench } from '../context';
import type { TabController } from './tab';

/** One open function panel, as other features see it. */
export interface OpenFunctionPanel {
  readonly target: FunctionTarget;
  /** The webview document has loaded and completed the ready handshake. */
  readonly isReady: boolean;
  /** The tab the person looks at (or last looked at). */
  readonly shownTab: TabId;
  /** The extension side of a tab, e.g. for a command that drives it. */
  controller(tab: TabId): TabController<Protocol> | undefined;
  /** Handles one message as if the webview had sent it; resolves with the answer to a request. */
  dispatch(message: unknown): Promise<Envelope | undefined>;
}

/** The window's function panels: one per function (connection, region, name). */
export interface FunctionPanelService {
  /** Opens the function's panel, or reveals the open one, on `tab` (default: the one last shown). */
  open(target: FunctionTarget, tab?: TabId): OpenFunctionPanel;
  find(target: FunctionTarget): OpenFunctionPanel | undefined;
}

const services = new WeakMap<Workbench, () => Promise<FunctionPanelService>>();

/** The function panel feature offers its panels here, so other features can open one without importing it. */
export function provideFunctionPanels(ws: Workbench, load: () => Promise<FunctionPanelService>): void {
  services.set(ws, load);
}

/** The window's function panels (their code loads on first use). */
export function functionPanels(ws: Workbench): Promise<FunctionPanelService> {
  const load = services.get(ws);
  return load ? load() : Promise.reject(new Error('Function panels are not available in this build.'));
}

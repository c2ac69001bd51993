import { LOCAL_CONNECTION_ID } from '../../aws/connections';
import { LOCAL_REGION } from '../../shared/lambda/arn';
import type { FunctionTarget } from '../../shared/target';
import type { Workbench } from '../../workbench/context';
import { pickConnection, pickFunctionIn, pickRegion, placeOf, type PickedFunction } from '../../workbench/pickers';

const LOCAL_CHOICE = 'local-template-function';

export function localTarget(functionName: string): FunctionTarget {
  return { connectionId: LOCAL_CONNECTION_ID, connectionLabel: 'Local Lambda', connectionKind: 'local', region: LOCAL_REGION, functionName, qualifier: '$LATEST' };
}

/**
 * Asks which function a handler belongs to: the Local Lambda's template function (offered
 * first when there is one), or a function of any connection and region.
 */
export async function pickHandlerFunction(ws: Workbench, options: { title: string; localFunction?: string; suggestedName?: string }): Promise<PickedFunction | undefined> {
  const extra = options.localFunction
    ? [{ label: `$(vm) ${options.localFunction}`, description: 'Local Lambda — the function from the template', value: LOCAL_CHOICE }]
    : [];
  const picked = await pickConnection(ws, { title: options.title, placeHolder: 'Which connection runs this handler?', extra });
  if (!picked) return undefined;
  if (picked === LOCAL_CHOICE) return { target: localTarget(options.localFunction!) };
  if (typeof picked === 'string') return undefined;
  const region = await pickRegion(ws, picked, options.title);
  if (!region) return undefined;
  return pickFunctionIn(ws, placeOf(picked, region), options.title, options.suggestedName);
}

import { AliasNode, FunctionNode, VersionNode, type ExplorerNode } from '../features/explorer/nodes';
import { isFunctionTarget, type FunctionTarget } from '../shared/target';

/** The function (and qualifier) a tree node or a plain FunctionTarget stands for; undefined otherwise. */
export function toFunctionTarget(arg: unknown): FunctionTarget | undefined {
  if (isFunctionTarget(arg)) return arg;
  const node = arg as ExplorerNode | undefined;
  if (node instanceof FunctionNode) return fromFunctionNode(node);
  if (node instanceof VersionNode) return { ...fromFunctionNode(node.versions.fn), qualifier: node.label };
  if (node instanceof AliasNode) return { ...fromFunctionNode(node.aliases.fn), qualifier: node.label };
  return undefined;
}

function fromFunctionNode(fn: FunctionNode): FunctionTarget {
  const connection = fn.region.connection;
  return {
    connectionId: connection.connectionId,
    connectionLabel: connection.label,
    connectionKind: connection.connectionKind,
    region: fn.region.region,
    functionName: fn.functionName,
    ...(fn.arn ? { functionArn: fn.arn } : {}),
  };
}

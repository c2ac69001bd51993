import type {
  EventSourceMappingConfiguration,
  FunctionConfiguration,
  GetFunctionUrlConfigResponse,
  ProvisionedConcurrencyConfigListItem,
} from '../../aws/lambda';
import { formatRelativeTime, parseLambdaTimestamp } from '../../shared/format';
import type { OverviewItem } from './protocol';
import { errorMessage } from '../../shared/errors';

/** A read that may have failed on its own without failing the whole overview. */
export type Settled<T> = { ok: true; value: T } | { ok: false; error: string };

export async function settle<T>(read: Promise<T>): Promise<Settled<T>> {
  try {
    return { ok: true, value: await read };
  } catch (error) {
    return { ok: false, error: errorMessage(error) };
  }
}

export interface OverviewData {
  config: FunctionConfiguration;
  reservedConcurrency: Settled<number | undefined>;
  provisioned: Settled<ProvisionedConcurrencyConfigListItem[]>;
  url: Settled<GetFunctionUrlConfigResponse | undefined>;
  triggers: Settled<EventSourceMappingConfiguration[]>;
  policy: Settled<string | undefined>;
}

export function formatBytes(bytes: number | undefined): string {
  if (bytes === undefined) return 'unknown';
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function item(id: string, label: string, value: string, block = false): OverviewItem {
  return { id, label, value, ...(block ? { block } : {}) };
}

function fromSettled<T>(id: string, label: string, read: Settled<T>, show: (value: T) => string, block = false): OverviewItem {
  if (!read.ok) return { id, label, value: `Could not be read: ${read.error.split('\n')[0]}`, unavailable: true };
  return item(id, label, show(read.value), block);
}

function describeUrl(url: GetFunctionUrlConfigResponse | undefined): string {
  if (!url?.FunctionUrl) return 'None';
  const cors = url.Cors;
  const corsText = cors
    ? `CORS: origins ${cors.AllowOrigins?.join(', ') || 'none'}; methods ${cors.AllowMethods?.join(', ') || 'none'}${cors.AllowCredentials ? '; credentials allowed' : ''}`
    : 'CORS: not configured';
  return `${url.FunctionUrl}\nAuth: ${url.AuthType ?? 'unknown'}${url.InvokeMode ? ` · ${url.InvokeMode}` : ''}\n${corsText}`;
}

function describeTrigger(m: EventSourceMappingConfiguration): string {
  const source = m.EventSourceArn ?? m.SelfManagedEventSource?.Endpoints?.KAFKA_BOOTSTRAP_SERVERS?.join(',') ?? 'unknown source';
  const parts = [source, m.State ?? 'unknown state'];
  if (m.BatchSize !== undefined) parts.push(`batch ${m.BatchSize}`);
  return parts.join(' · ');
}

function describeConcurrency(reserved: Settled<number | undefined>, provisioned: Settled<ProvisionedConcurrencyConfigListItem[]>): string {
  const lines: string[] = [];
  if (!reserved.ok) lines.push(`Reserved: could not be read (${reserved.error.split('\n')[0]})`);
  else lines.push(reserved.value === undefined ? 'Reserved: none (uses the unreserved pool)' : `Reserved: ${reserved.value}`);
  if (!provisioned.ok) lines.push(`Provisioned: could not be read (${provisioned.error.split('\n')[0]})`);
  else if (provisioned.value.length === 0) lines.push('Provisioned: none');
  else {
    for (const p of provisioned.value) {
      const qualifier = p.FunctionArn?.split(':')[7] ?? '?';
      lines.push(`Provisioned on ${qualifier}: ${p.AllocatedProvisionedConcurrentExecutions ?? 0}/${p.RequestedProvisionedConcurrentExecutions ?? 0} (${p.Status ?? 'unknown'})`);
    }
  }
  return lines.join('\n');
}

function prettyPolicy(policy: string | undefined): string {
  if (!policy) return 'None';
  try {
    return JSON.stringify(JSON.parse(policy), null, 2);
  } catch {
    return policy;
  }
}

/** The read-only facts of the Overview section, each copyable. */
export function overviewItems(data: OverviewData, now = new Date()): OverviewItem[] {
  const c = data.config;
  const modified = parseLambdaTimestamp(c.LastModified);
  const vpc = c.VpcConfig?.VpcId
    ? `${c.VpcConfig.VpcId}\nSubnets: ${c.VpcConfig.SubnetIds?.join(', ') || 'none'}\nSecurity groups: ${c.VpcConfig.SecurityGroupIds?.join(', ') || 'none'}`
    : 'Not connected to a VPC';
  const layers = c.Layers ?? [];
  return [
    item('arn', 'ARN', c.FunctionArn ?? 'unknown'),
    item('runtime', 'Runtime', c.PackageType === 'Image' ? 'Container image' : (c.Runtime ?? 'unknown')),
    item('handler', 'Handler', c.Handler ?? (c.PackageType === 'Image' ? 'set by the image' : 'unknown')),
    item('architecture', 'Architecture', c.Architectures?.join(', ') || 'x86_64'),
    item('codeSize', 'Code size', `${formatBytes(c.CodeSize)}${c.CodeSha256 ? ` · SHA-256 ${c.CodeSha256}` : ''}`),
    item('lastModified', 'Last modified', modified ? `${c.LastModified} (${formatRelativeTime(modified, now)})` : (c.LastModified ?? 'unknown')),
    item('role', 'Execution role', c.Role ?? 'unknown'),
    item('layers', `Layers (${layers.length} of 5)`, layers.length ? layers.map((l) => `${l.Arn ?? '?'}${l.CodeSize ? ` · ${formatBytes(l.CodeSize)}` : ''}`).join('\n') : 'None', layers.length > 0),
    fromSettled('url', 'Function URL', data.url, describeUrl, true),
    fromSettled('concurrency', 'Concurrency', data.reservedConcurrency, () => describeConcurrency(data.reservedConcurrency, data.provisioned), true),
    item('vpc', 'VPC', vpc, Boolean(c.VpcConfig?.VpcId)),
    item('tracing', 'Tracing', c.TracingConfig?.Mode === 'Active' ? 'X-Ray active' : 'X-Ray not active (PassThrough)'),
    fromSettled('triggers', 'Triggers', data.triggers, (list) => (list.length ? list.map(describeTrigger).join('\n') : 'None'), true),
    fromSettled('policy', 'Resource-based policy', data.policy, prettyPolicy, true),
  ];
}

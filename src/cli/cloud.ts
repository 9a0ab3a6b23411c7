/**
 * The cloud a command talks to: the real Workspace API (credentials from the environment) or, with
 * --simulate, the embedded simulator persisted under .workspace-gitops/ — started on a loopback port
 * and reached through the same HTTP client, so the simulated path exercises the real one.
 */
import path from 'node:path';
import type { Config } from '../config/index.js';
import { UsageError } from '../errors.js';
import type { Logger } from '../log.js';
import { startSimulator } from '../simulator/index.js';
import { DEFAULT_SETTLE_MS } from '../apply/evidence.js';
import { createWorkspaceClient, requireAuth } from '../workspace/index.js';
import type { WorkspaceApi } from '../workspace/types.js';
import type { Io } from './io.js';

export interface Cloud {
  api: WorkspaceApi;
  simulated: boolean;
  close(): Promise<void>;
}

/** Project id used by the embedded simulator when the config names none. */
export const SIMULATED_PROJECT_ID = '0bec5db98280d2d02fd6c00c2de791ce';

/**
 * How long an in-doubt order must be quiet before an empty billing list proves it was not placed. The
 * embedded simulator writes an accepted order to disk before it answers, and dies with this process, so
 * its order list is complete at once; the real billing system may lag behind a request still in flight.
 */
export function evidenceSettleMs(flag: number | undefined, simulate: boolean): number {
  return flag ?? (simulate ? 0 : DEFAULT_SETTLE_MS);
}

export function simulatorDataFile(config: Config): string {
  return path.join(config.runtimeDir, 'simulator.jsonl');
}

export async function openCloud(config: Config, options: { simulate: boolean; logger: Logger }, io: Io): Promise<Cloud> {
  if (options.simulate) {
    const projectId = config.projectId ?? SIMULATED_PROJECT_ID;
    const sim = await startSimulator({ host: '127.0.0.1', port: 0, dataFile: simulatorDataFile(config), projectId, domainType: config.domainType });
    const client = createWorkspaceClient({ endpoint: sim.url, bssEndpoint: sim.url, projectId, logger: options.logger, now: () => io.now() });
    return {
      api: client,
      simulated: true,
      close: async () => {
        await client.close();
        await sim.close();
      },
    };
  }
  const auth = requireAuth(io.env);
  if (!config.endpoint) throw new UsageError('no Workspace endpoint is configured', 'set region (or endpoint) in workspace-gitops.yaml, WORKSPACE_ENDPOINT, or --endpoint; or use --simulate');
  if (!config.projectId) throw new UsageError('no project id is configured', 'set project_id in workspace-gitops.yaml or HUAWEICLOUD_SDK_PROJECT_ID');
  const client = createWorkspaceClient({
    endpoint: config.endpoint,
    bssEndpoint: config.bssEndpoint ?? config.endpoint,
    projectId: config.projectId,
    auth,
    logger: options.logger,
    now: () => io.now(),
  });
  return { api: client, simulated: false, close: () => client.close() };
}

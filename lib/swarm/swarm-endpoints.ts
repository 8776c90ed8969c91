import { servePlainHttp, type PlainResponse } from '../utils/plain-http-server.js';
import { swarmMetricsText } from './swarm-metrics.js';
import {
  evaluateSwarmHealth,
  type SwarmHealthCheck,
  type SwarmInspection,
} from './swarm-report.js';
import type { SwarmHttpOptions } from './swarm-options.js';
import { SwarmConfigurationError } from './swarm.error.js';

const JSON_TYPE = 'application/json; charset=utf-8';
const PROMETHEUS_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** What the endpoints read: the supervisor's `inspect`. */
export interface InspectableSwarm {
  inspect(options: { metrics?: boolean; timeout?: number }): Promise<SwarmInspection>;
}

/**
 * The supervisor's HTTP endpoints: `/health/ready` and `/health/live` (JSON, 200 or 503, over
 * all workers), `/swarm` (every worker's status and own health, JSON) and `/metrics`
 * (Prometheus: the swarm's gauges and every worker's metrics labelled by worker).
 */
export function swarmRoutes(
  supervisor: InspectableSwarm,
  answerTimeout = 750,
): Record<string, () => Promise<PlainResponse>> {
  const inspect = (metrics = false) => supervisor.inspect({ metrics, timeout: answerTimeout });
  const health = async (pick: 'ready' | 'alive'): Promise<PlainResponse> => {
    const inspection = await inspect();
    const check = evaluateSwarmHealth(inspection)[pick];
    return json(check.healthy ? 200 : 503, healthBody(check, inspection));
  };
  return {
    '/health/ready': () => health('ready'),
    '/health/live': () => health('alive'),
    '/swarm': async () => {
      const inspection = await inspect();
      return json(200, { ...inspection, health: evaluateSwarmHealth(inspection) });
    },
    '/metrics': async () => ({
      status: 200,
      contentType: PROMETHEUS_TYPE,
      body: swarmMetricsText(await inspect(true)),
    }),
  };
}

/** Starts the endpoints; rejects when the port cannot be bound (nothing started then). */
export async function serveSwarmEndpoints(
  supervisor: InspectableSwarm,
  options: SwarmHttpOptions,
): Promise<{ port: number; close(): Promise<void> }> {
  const host = options.host ?? '127.0.0.1';
  try {
    return await servePlainHttp(host, options.port, swarmRoutes(supervisor, options.answerTimeout));
  } catch (error) {
    throw new SwarmConfigurationError(
      `the swarm's health port ${host}:${options.port} cannot be opened ` +
        `(${error instanceof Error ? error.message : String(error)}); pick a free port, or 0 for any`,
    );
  }
}

function healthBody(check: SwarmHealthCheck, inspection: SwarmInspection): unknown {
  return {
    status: check.healthy ? 'up' : 'down',
    workers: inspection.workers.map((worker) => ({
      id: worker.id,
      pid: worker.pid,
      state: worker.state,
      restarts: worker.restarts,
      groups: worker.report?.groups.map(({ id, state }) => ({ id, state })),
    })),
    problems: check.problems,
  };
}

function json(status: number, body: unknown): PlainResponse {
  return { status, contentType: JSON_TYPE, body: JSON.stringify(body) };
}

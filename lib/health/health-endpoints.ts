import type { KarafkaServer } from '../server/karafka.server.js';
import type { PlainResponse } from '../utils/plain-http-server.js';
import type { KarafkaHealthCheck, KarafkaHealthLimits } from './karafka-health.js';

/**
 * GET /health/ready and /health/live as JSON, 200 when healthy and 503 when not (what
 * Kubernetes probes read), for apps without terminus (`karafka server --health-port`).
 */
export function healthRoutes(
  server: KarafkaServer,
  limits?: KarafkaHealthLimits,
): Record<string, () => PlainResponse> {
  const answer = (pick: (health: ReturnType<KarafkaServer['health']>) => KarafkaHealthCheck) => {
    const check = pick(server.health(limits));
    const groups = server.snapshot().groups.map((group) => ({ id: group.id, state: group.state }));
    return {
      status: check.healthy ? 200 : 503,
      contentType: 'application/json; charset=utf-8',
      body: JSON.stringify({
        status: check.healthy ? 'up' : 'down',
        groups,
        problems: check.problems,
      }),
    };
  };
  return {
    '/health/ready': () => answer((health) => health.ready),
    '/health/live': () => answer((health) => health.alive),
  };
}

import { describe, expect, it } from 'vitest';
import { clusterNodeProperties } from '../../lib/dev-broker/cluster-properties.js';
import type { DevClusterNodeState } from '../../lib/dev-broker/dev-cluster.options.js';

const node = (nodeId: number): DevClusterNodeState => ({
  nodeId,
  port: 19000 + nodeId,
  controllerPort: 19100 + nodeId,
  brokers: `127.0.0.1:${19000 + nodeId}`,
  dataDir: `/tmp/node-${nodeId}`,
  propertiesFile: `/tmp/node-${nodeId}/server.properties`,
  logFile: `/tmp/node-${nodeId}.log`,
});

function properties(text: string): Record<string, string> {
  return Object.fromEntries(
    text
      .split('\n')
      .filter((line) => line.includes('='))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
}

describe('clusterNodeProperties', () => {
  const nodes = [node(1), node(2), node(3)];
  const second = properties(clusterNodeProperties(nodes[1] as DevClusterNodeState, nodes));

  it('makes every node a broker and a voter of one three-voter quorum, on loopback only', () => {
    expect(second['process.roles']).toBe('broker,controller');
    expect(second['node.id']).toBe('2');
    expect(second['controller.quorum.voters']).toBe(
      '1@127.0.0.1:19101,2@127.0.0.1:19102,3@127.0.0.1:19103',
    );
    expect(second.listeners).toBe('PLAINTEXT://127.0.0.1:19002,CONTROLLER://127.0.0.1:19102');
    expect(second['log.dirs']).toBe('/tmp/node-2/data');
  });

  it("applies production's replication defaults to new and internal topics", () => {
    expect(second['default.replication.factor']).toBe('3');
    expect(second['min.insync.replicas']).toBe('2');
    expect(second['offsets.topic.replication.factor']).toBe('3');
    expect(second['transaction.state.log.replication.factor']).toBe('3');
    expect(second['transaction.state.log.min.isr']).toBe('2');
    expect(second['share.coordinator.state.topic.replication.factor']).toBe('3');
    expect(second['unclean.leader.election.enable']).toBe('false');
  });
});

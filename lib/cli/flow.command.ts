import { Command, Option } from 'commander';
import { describeFlow, flowAsJson, flowAsMermaid } from '../responders/flow.js';
import type { Route } from '../routing/route.js';
import { RouteRegistry } from '../routing/route-registry.js';
import { withApp } from './boot.js';

type FlowFormat = 'text' | 'mermaid' | 'json';

/** `karafka flow`: which topic's consumer responds to which topics. Connects to nothing. */
export function flowCommand(): Command {
  return new Command('flow')
    .description(
      'print the flow of messages: each routed topic and the topics its consumer responds to',
    )
    .addOption(
      new Option('-f, --format <format>', 'output format')
        .choices(['text', 'mermaid', 'json'])
        .default('text'),
    )
    .action(async (flags: { format: FlowFormat }, command: Command) => {
      await withApp(command, { logger: ['error'] }, async (app) => {
        const routes = app.get(RouteRegistry).table.routes;
        console.log(render(flags.format, routes).trimEnd());
      });
    });
}

function render(format: FlowFormat, routes: readonly Route[]): string {
  if (format === 'mermaid') return flowAsMermaid(routes);
  if (format === 'json') return flowAsJson(routes);
  return describeFlow(routes);
}
